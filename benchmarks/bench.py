"""Throughput of ``migrate convert`` against stock sqlglot on one corpus, in one run.

    python benchmarks/bench.py ../shared/corpus/tsql [--repeat 5]

Every row is the median of ``--repeat`` runs (the machine may be shared: medians, not
best times). Lines are the input's lines (every .sql file under the corpus, as the
pipeline reads them), the same number for every row.

Rows, and how to compare them fairly:

- ``migrate CLI ...``: whole ``python -m migrator convert`` processes, cold cache with
  ``--jobs`` default (all cores) and ``--jobs 1``, then warm cache (every file a hit).
  They include what a user waits for besides conversion: interpreter start, imports,
  loading the rule catalogue, writing outputs and the JSON/HTML reports.
- ``migrate CLI startup alone``: the same command on a one-line file: the fixed cost the
  CLI rows carry and the in-process rows do not.
- ``migrate in-process ...``: ``pipeline.convert_tree`` in this process after a warm-up
  run (imports and rules loaded), ``jobs=1`` and ``jobs`` default; outputs are still
  written, reports are not. ``jobs=1`` against the sqlglot row compares one core with one
  core.
- ``sqlglot.transpile``: stock ``sqlglot.transpile(read="tsql", write="oracle")`` per file,
  in-process, one core, unparseable files counted as lines read (their errors are
  counted). Stock sqlglot does much less per line than migrate: it raises on some real
  T-SQL (the file then costs almost nothing), and it does not parse procedure, function
  and trigger bodies or other statements it does not know at all: it keeps them as one
  ``exp.Command`` holding the raw text (counted below as "passthrough statements"), so
  most procedural lines are only tokenized. migrate segments, parses and converts every
  statement, builds the project catalog first and applies the rule catalogue, the name
  map and the guard to every tree.

Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def _migrate(corpus: str, out: str, *extra: str) -> float:
    cmd = [sys.executable, "-m", "migrator", "convert", corpus, "-o", out, "-q", "--no-progress", *extra]
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = time.perf_counter() - t0
    if rc.returncode not in (0, 1):
        raise SystemExit(f"migrate failed ({rc.returncode}): {rc.stderr[-2000:]}")
    return dt


def _in_process(corpus: str, out: str, jobs: int | None) -> float:
    from migrator.config import Config
    from migrator.pipeline import convert_tree

    t0 = time.perf_counter()
    convert_tree(corpus, out, Config(), jobs=jobs)
    return time.perf_counter() - t0


def _texts(files: list[str]) -> list[str]:
    from migrator.source import SourceFile

    texts = []
    for f in files:
        with open(f, "rb") as fh:
            texts.append(SourceFile.from_bytes(f, fh.read()).text)
    return texts


def _sqlglot(texts: list[str]) -> tuple[float, int]:
    import sqlglot

    errors = 0
    t0 = time.perf_counter()
    for text in texts:
        try:
            sqlglot.transpile(text, read="tsql", write="oracle")
        except Exception:  # noqa: BLE001 - stock sqlglot rejects some real T-SQL
            errors += 1
    return time.perf_counter() - t0, errors


def _sqlglot_passthrough(texts: list[str]) -> tuple[int, int]:
    """(statements, statements stock sqlglot keeps as a raw exp.Command) over the files it parses."""
    import sqlglot
    from sqlglot import exp

    statements = commands = 0
    for text in texts:
        try:
            trees = sqlglot.parse(text, read="tsql")
        except Exception:  # noqa: BLE001
            continue
        for tree in trees:
            if tree is not None:
                statements += 1
                commands += isinstance(tree, exp.Command)
    return statements, commands


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=os.path.join(ROOT, "..", "shared", "corpus", "tsql"))
    ap.add_argument("--repeat", type=int, default=3, help="median of N runs for each row")
    args = ap.parse_args()
    from migrator.pipeline import discover

    files = [full for _, full in discover(args.corpus)]
    lines = 0
    for f in files:
        with open(f, "rb") as fh:
            lines += fh.read().count(b"\n") + 1
    rows: list[tuple[str, float]] = []

    def median(fn) -> float:
        return statistics.median(fn() for _ in range(args.repeat))

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        rows.append(("migrate CLI cold, --jobs default", median(lambda: _migrate(args.corpus, out, "--no-cache"))))
        rows.append(("migrate CLI cold, --jobs 1",
                     median(lambda: _migrate(args.corpus, out, "--no-cache", "-j", "1"))))
        cache = os.path.join(tmp, "cache")
        _migrate(args.corpus, out, "--cache-dir", cache)  # fill the cache
        rows.append(("migrate CLI warm cache", median(lambda: _migrate(args.corpus, out, "--cache-dir", cache))))
        one = os.path.join(tmp, "one.sql")
        with open(one, "w") as fh:
            fh.write("SELECT 1\n")
        startup = median(lambda: _migrate(one, os.path.join(tmp, "one"), "--no-cache"))
        _in_process(args.corpus, out, 1)  # warm-up: imports, rules, sqlglot's lazy tables
        rows.append(("migrate in-process, jobs=1", median(lambda: _in_process(args.corpus, out, 1))))
        rows.append(("migrate in-process, jobs default", median(lambda: _in_process(args.corpus, out, None))))
        texts = _texts(files)
        runs = [_sqlglot(texts) for _ in range(args.repeat)]
        sg_time, sg_errors = statistics.median(r[0] for r in runs), runs[0][1]
        rows.append((f"sqlglot.transpile tsql->oracle ({sg_errors} errors)", sg_time))
        statements, commands = _sqlglot_passthrough(texts)
    print(f"{len(files)} files, {lines} lines, {os.cpu_count()} cores, median of {args.repeat}")
    print(f"{'run':48} {'seconds':>8} {'lines/s':>10}")
    for name, dt in rows:
        print(f"{name:48} {dt:8.2f} {lines / dt:10.0f}")
    print(f"{'migrate CLI startup alone (one-line file)':48} {startup:8.2f}")
    print(f"stock sqlglot: {sg_errors} of {len(files)} files raise; of the {statements} statements it parses, "
          f"{commands} are passthrough (exp.Command: raw text, not parsed or converted)")
    print(json.dumps({"files": len(files), "lines": lines, "cores": os.cpu_count(), "repeat": args.repeat,
                      "runs": {name: {"seconds": round(dt, 3), "lines_per_s": round(lines / dt)} for name, dt in rows},
                      "cli_startup_seconds": round(startup, 3),
                      "sqlglot": {"errors": sg_errors, "statements": statements, "passthrough": commands},
                      "note": "CLI rows are whole processes (startup, reports included); in-process rows and "
                              "sqlglot are in this process; medians"}))


if __name__ == "__main__":
    main()
