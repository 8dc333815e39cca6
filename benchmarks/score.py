"""Score a conversion run honestly: the shared judge's verdicts joined with our own report.

usage: python benchmarks/score.py CORPUS OUT [--measure PATH_TO_measure.py]

Runs ``measure.py ours CORPUS OUT`` (which runs ``migrate convert``), then reads
OUT/_measure.jsonl and OUT/migration-report.json. ``measure.py`` counts a file whose
statements are all commented out under TODO markers as ``ok`` (its residue scan blanks
comments); here such a file is ``marked``. Prints verdicts per object folder (tables,
views, procedures, ...) and for the non-procedural subset, then one JSON line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter, defaultdict

PROCEDURAL = {"procedures", "functions_scalar", "functions_inline_tvf", "functions_inline_tvf_clr", "triggers"}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    corpus, out = args[0], args[1]
    measure = sys.argv[sys.argv.index("--measure") + 1] if "--measure" in sys.argv else \
        os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "tools",
                                      "measure.py"))
    proc = subprocess.run([sys.executable, measure, "ours", corpus, out], capture_output=True, text=True)
    if proc.returncode != 0 or not proc.stdout.strip():
        sys.exit(f"measure.py failed ({proc.returncode}): {proc.stderr[-2000:]}")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    with open(os.path.join(out, "migration-report.json"), encoding="utf-8") as fh:
        report = json.load(fh)
    status = {f["path"]: f["status"] for f in report["files"]}
    rows = [json.loads(line) for line in open(os.path.join(out, "_measure.jsonl"), encoding="utf-8")]
    groups: dict[str, Counter] = defaultdict(Counter)
    silent = []
    for row in rows:
        verdict = row["verdict"]
        ours = status.get(row["unit"])
        if verdict == "ok" and ours in ("marked", "failed"):
            verdict = "marked"
        folder = row["unit"].split(os.sep)[-2] if os.sep in row["unit"] else "."
        groups[folder][verdict] += 1
        groups["ALL"][verdict] += 1
        groups["NON-PROCEDURAL" if folder not in PROCEDURAL else "PROCEDURAL"][verdict] += 1
        if verdict == "silent":
            silent.append(row["unit"])
    print(f"{'group':<28}{'units':>6}{'ok':>6}{'marked':>8}{'silent':>8}{'missing':>8}  ok%")
    for name in sorted(groups, key=lambda g: (g.isupper(), g)):
        c = groups[name]
        n = sum(c.values())
        print(f"{name:<28}{n:>6}{c['ok']:>6}{c['marked']:>8}{c['silent']:>8}{c['missing']:>8}  {100 * c['ok'] / n:5.1f}")
    if silent:
        print("silent:", *silent, sep="\n  ")
    print(json.dumps({"measure": summary, "honest": {k: dict(v) for k, v in groups.items()
                                                    if k in ("ALL", "NON-PROCEDURAL", "PROCEDURAL")}}))


if __name__ == "__main__":
    main()
