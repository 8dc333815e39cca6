"""Throughput of ``migrate convert`` against stock sqlglot on one corpus, in one run.

    python benchmarks/bench.py ../shared/corpus/tsql [--repeat 1]

Rows: migrate cold cache (--jobs default, then --jobs 1), warm cache (every file a
cache hit), and stock ``sqlglot.transpile(read="tsql", write="oracle")`` per file
(unparseable files count as lines read; their errors are counted). Lines are the
input's lines (every .sql file under the corpus, as the pipeline reads them).
Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
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


def _sqlglot(files: list[str]) -> tuple[float, int]:
    import sqlglot

    errors = 0
    texts = []
    for f in files:
        with open(f, "rb") as fh:
            from migrator.source import SourceFile

            texts.append(SourceFile.from_bytes(f, fh.read()).text)
    t0 = time.perf_counter()
    for text in texts:
        try:
            sqlglot.transpile(text, read="tsql", write="oracle")
        except Exception:  # noqa: BLE001 - stock sqlglot rejects some real T-SQL
            errors += 1
    return time.perf_counter() - t0, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=os.path.join(ROOT, "..", "shared", "corpus", "tsql"))
    ap.add_argument("--repeat", type=int, default=1, help="best of N for each row")
    args = ap.parse_args()
    from migrator.pipeline import discover

    files = [full for _, full in discover(args.corpus)]
    lines = 0
    for f in files:
        with open(f, "rb") as fh:
            lines += fh.read().count(b"\n") + 1
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        def best(fn) -> float:
            return min(fn() for _ in range(args.repeat))

        out = os.path.join(tmp, "out")
        rows.append(("migrate cold, --jobs default", best(lambda: _migrate(args.corpus, out, "--no-cache"))))
        rows.append(("migrate cold, --jobs 1", best(lambda: _migrate(args.corpus, out, "--no-cache", "-j", "1"))))
        cache = os.path.join(tmp, "cache")
        _migrate(args.corpus, out, "--cache-dir", cache)  # fill the cache
        rows.append(("migrate warm cache", best(lambda: _migrate(args.corpus, out, "--cache-dir", cache))))
        sg_time, sg_errors = min((_sqlglot(files) for _ in range(args.repeat)), key=lambda r: r[0])
        rows.append((f"sqlglot.transpile tsql->oracle ({sg_errors} errors)", sg_time))
    print(f"{len(files)} files, {lines} lines, {os.cpu_count()} cores")
    print(f"{'run':48} {'seconds':>8} {'lines/s':>10}")
    for name, dt in rows:
        print(f"{name:48} {dt:8.2f} {lines / dt:10.0f}")
    print(json.dumps({"files": len(files), "lines": lines, "cores": os.cpu_count(),
                      "runs": {name: {"seconds": round(dt, 3), "lines_per_s": round(lines / dt)} for name, dt in rows},
                      "note": "migrate rows are whole CLI processes (startup included); sqlglot is in-process"}))


if __name__ == "__main__":
    main()
