"""Throughput of ``migrate convert`` against stock sqlglot on one corpus, in one run.

    python benchmarks/bench.py ../shared/corpus/tsql [--repeat 5] [--bytecode cached|asis]

Lines are the input's lines (every .sql file under the corpus, as the pipeline reads
them), the same number for every row. Every row is the median of ``--repeat`` rounds, and
the rounds are interleaved (each round runs every row once, in turn), so a load that
comes and goes on a shared machine falls on both sides alike.

Rows, and what each compares with:

- ``migrate CLI cold ...``: whole ``python -m migrator convert --no-cache`` processes,
  ``--jobs`` default (all cores) and ``--jobs 1``. They include what a user waits for:
  interpreter start, imports, loading the rule catalogue, writing outputs and the
  JSON/HTML reports.
- ``stock sqlglot process``: the same thing done with stock sqlglot, as a whole process
  too: start Python, import sqlglot, read and decode every file, ``sqlglot.transpile(
  read="tsql", write="oracle")`` it, write the output under the same relative path. This
  is the row the CLI rows are compared with (the criterion: migrate's cold lines/s not
  below stock's): both sides pay process start, imports and output writing, neither has
  a cache. Stock sqlglot has no parallel mode: it runs on one core.
- ``migrate CLI warm cache``: every file a cache hit (for information).
- ``migrate in-process ...`` and ``sqlglot.transpile in-process``: conversion alone in
  this process after a warm-up run (imports done, rules loaded, sqlglot's lazy tables
  built). ``migrate in-process, jobs=1`` against the sqlglot row compares one core with
  one core, without process start or reports on either side.
- ``... startup alone``: each process on a one-line file: the fixed cost the process rows
  carry and the in-process rows do not.

Bytecode: stock sqlglot runs from the ``.pyc`` files its installation compiled, while an
editable checkout under ``PYTHONDONTWRITEBYTECODE=1`` (as in some sandboxes) compiles
migrate's modules from source in every process. ``--bytecode cached`` (default) gives both
sides a bytecode cache (a private ``PYTHONPYCACHEPREFIX``, filled by a warm-up run of each
process row), as any installed package has; ``--bytecode asis`` runs the processes in the
environment as it is.

Stock sqlglot does much less per line than migrate: it raises on some real T-SQL (the
file then costs almost nothing), and it does not parse procedure, function and trigger
bodies or other statements it does not know at all: it keeps them as one ``exp.Command``
holding the raw text (counted below as "passthrough statements"), so most procedural
lines, and every batch after a ``GO`` it cannot split, are only tokenized. migrate
segments, parses and converts every statement, builds the project catalog first and
applies the rule catalogue, the name map and the guard to every tree.

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

# Stock sqlglot as a process, doing what ``migrate convert`` does with a tree: read and
# decode each file (BOM, UTF-8, else cp1252: the corpus's encodings), convert, write.
STOCK_SCRIPT = r"""
import os, sys
import sqlglot

src, out = sys.argv[1], sys.argv[2]
errors = 0
files = [src] if os.path.isfile(src) else sorted(
    os.path.join(d, f) for d, _dirs, fs in os.walk(src) for f in fs if f.lower().endswith(".sql"))
for path in files:
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    try:
        result = ";\n".join(sqlglot.transpile(text, read="tsql", write="oracle", pretty=True))
    except Exception:
        errors += 1
        continue
    dest = os.path.join(out, os.path.relpath(path, src) if path != src else os.path.basename(path))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "w", encoding="utf-8") as fh:
        fh.write(result + "\n")
print(errors)
"""


def _env(bytecode: str, cache: str) -> dict:
    env = dict(os.environ)
    if bytecode == "cached":
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = cache
    return env


def _process(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    rc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    dt = time.perf_counter() - t0
    if rc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed ({rc.returncode}): {rc.stderr[-2000:]}")
    return dt


def _migrate_cmd(corpus: str, out: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "migrator", "convert", corpus, "-o", out, "-q", "--no-progress", *extra]


def _stock_cmd(corpus: str, out: str) -> list[str]:
    return [sys.executable, "-c", STOCK_SCRIPT, corpus, out]


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
            sqlglot.transpile(text, read="tsql", write="oracle", pretty=True)
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


CRITERION = ("migrate CLI cold, --jobs default", "stock sqlglot process (one core)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=os.path.join(ROOT, "..", "shared", "corpus", "tsql"))
    ap.add_argument("--repeat", type=int, default=3, help="rounds; each row is the median of its rounds")
    ap.add_argument("--bytecode", choices=["cached", "asis"], default="cached",
                    help="cached: both sides' processes run from a bytecode cache (default); asis: environment as is")
    args = ap.parse_args()
    corpus = os.path.abspath(args.corpus)
    from migrator.pipeline import discover

    files = [full for _, full in discover(corpus)]
    lines = 0
    for f in files:
        with open(f, "rb") as fh:
            lines += fh.read().count(b"\n") + 1

    with tempfile.TemporaryDirectory() as tmp:
        env = _env(args.bytecode, os.path.join(tmp, "pycache"))
        out = os.path.join(tmp, "out")
        cache = os.path.join(tmp, "cache")
        one = os.path.join(tmp, "one.sql")
        with open(one, "w") as fh:
            fh.write("SELECT 1\n")
        texts = _texts(files)

        def process(cmd):
            return lambda: _process(cmd, env)

        rows = {  # name -> one measurement (seconds)
            CRITERION[0]: process(_migrate_cmd(corpus, out, "--no-cache")),
            "migrate CLI cold, --jobs 1": process(_migrate_cmd(corpus, out, "--no-cache", "-j", "1")),
            CRITERION[1]: process(_stock_cmd(corpus, os.path.join(tmp, "stock"))),
            "migrate CLI warm cache": process(_migrate_cmd(corpus, out, "--cache-dir", cache)),
            "migrate in-process, jobs=1": lambda: _in_process(corpus, out, 1),
            "migrate in-process, jobs default": lambda: _in_process(corpus, out, None),
            "sqlglot.transpile in-process (one core)": lambda: _sqlglot(texts)[0],
        }
        startups = {
            "migrate CLI startup alone (one-line file)": process(_migrate_cmd(one, os.path.join(tmp, "one"),
                                                                             "--no-cache")),
            "stock sqlglot process startup alone (one-line file)": process(_stock_cmd(one, os.path.join(tmp, "o"))),
        }
        # warm-up, not measured: bytecode caches, the warm cache's entries, imports and lazy tables here
        for fn in (*rows.values(), *startups.values()):
            fn()
        times: dict[str, list[float]] = {name: [] for name in (*rows, *startups)}
        for _ in range(args.repeat):  # interleaved rounds
            for name, fn in (*rows.items(), *startups.items()):
                times[name].append(fn())
        sg_errors = _sqlglot(texts)[1]
        statements, commands = _sqlglot_passthrough(texts)

    med = {name: statistics.median(ts) for name, ts in times.items()}
    print(f"{len(files)} files, {lines} lines, {os.cpu_count()} cores, median of {args.repeat} interleaved rounds, "
          f"bytecode {args.bytecode}")
    print(f"{'run':56} {'seconds':>8} {'lines/s':>10}")
    for name in rows:
        print(f"{name:56} {med[name]:8.2f} {lines / med[name]:10.0f}")
    for name in startups:
        print(f"{name:56} {med[name]:8.2f}")
    ours, stock = (lines / med[CRITERION[0]], lines / med[CRITERION[1]])
    print(f"criterion: {CRITERION[0]} {ours:.0f} lines/s vs {CRITERION[1]} {stock:.0f} lines/s: "
          f"{'met' if ours >= stock else 'NOT met'} ({ours / stock:.2f}x)")
    print(f"stock sqlglot: {sg_errors} of {len(files)} files raise; of the {statements} statements it parses, "
          f"{commands} are passthrough (exp.Command: raw text, not parsed or converted)")
    print(json.dumps({"files": len(files), "lines": lines, "cores": os.cpu_count(), "repeat": args.repeat,
                      "bytecode": args.bytecode,
                      "runs": {name: {"seconds": round(med[name], 3), "lines_per_s": round(lines / med[name]),
                                      "all": [round(t, 3) for t in times[name]]} for name in rows},
                      "startup_seconds": {name: round(med[name], 3) for name in startups},
                      "criterion": {"ours": round(ours), "stock": round(stock), "met": ours >= stock},
                      "sqlglot": {"errors": sg_errors, "statements": statements, "passthrough": commands},
                      "note": "process rows are whole processes (startup, output writing included; migrate's "
                              "reports too); in-process rows are in this process after a warm-up; medians of "
                              "interleaved rounds"}))


if __name__ == "__main__":
    main()
