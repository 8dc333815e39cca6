"""``python -m migrator.validate PATH... [--json] [--strict] [--catalog FILE] [--errors-only]``."""

from __future__ import annotations

import argparse
import json
import sys

from migrator.validate import validate_paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m migrator.validate", description=__doc__)
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--json", action="store_true", help="one JSON object per finding")
    ap.add_argument("--strict", action="store_true",
                    help="the project catalog is complete: unknown tables/packages are errors")
    ap.add_argument("--catalog", help="file listing extra existing objects, one [SCHEMA.]NAME a line")
    ap.add_argument("--errors-only", action="store_true")
    args = ap.parse_args(argv)
    external = None
    if args.catalog:
        with open(args.catalog, encoding="utf-8") as fh:
            external = fh.read().split()
    findings = validate_paths(args.paths, strict=args.strict, external=external)
    if args.errors_only:
        findings = [f for f in findings if f.severity == "error"]
    for f in findings:
        print(json.dumps(f.to_dict()) if args.json else f.human())
    n_err = sum(f.severity == "error" for f in findings)
    if not args.json:
        print(f"{n_err} error(s), {len(findings) - n_err} warning(s)", file=sys.stderr)
    return 1 if n_err else 0


if __name__ == "__main__":
    sys.exit(main())
