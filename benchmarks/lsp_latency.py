"""Latency of the language server's diagnostics after an edit, on a ~2,000-line T-SQL file.

    python benchmarks/lsp_latency.py [--lines 2000] [--edits 200] [--file some.sql] [--go-every 0]

Starts ``python -m lsp`` over stdio, opens the file, then types: each edit inserts or deletes
one character somewhere in the file (a random line), and the time from sending the edit to
receiving the diagnostics for that version is recorded. Prints JSON with p50/p95/max.
Also reports the cold open (the whole file converted, nothing cached).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lsp.driver import Driver  # noqa: E402

TEMPLATES = [
    "CREATE TABLE dbo.T{i} (\n  id INT IDENTITY(1,1) PRIMARY KEY,\n  name NVARCHAR(100) NOT NULL,\n"
    "  amount MONEY NULL,\n  created DATETIME DEFAULT GETDATE()\n)\n",
    "SELECT TOP 10 id, ISNULL(name, 'n/a') AS name, amount\nFROM dbo.T{j}\nWHERE created > DATEADD(day, -7, GETDATE())\n"
    "ORDER BY amount DESC\n",
    "INSERT INTO dbo.T{j} (name, amount) VALUES (N'item {i}', {i}.50)\n",
    "UPDATE dbo.T{j} SET amount = amount * 1.1 WHERE name LIKE 'item%'\n",
    "CREATE PROCEDURE dbo.P{i} @id INT, @name NVARCHAR(50) = NULL\nAS\nBEGIN\n  SET NOCOUNT ON\n"
    "  DECLARE @n INT\n  SELECT @n = COUNT(*) FROM dbo.T{j} WHERE id = @id\n  IF @n = 0\n"
    "    INSERT INTO dbo.T{j} (name, amount) VALUES (ISNULL(@name, 'x'), 0)\n  ELSE\n"
    "    UPDATE dbo.T{j} SET name = @name WHERE id = @id\n  SELECT id, name FROM dbo.T{j} WHERE id = @id\nEND\n",
    "SELECT name + ' ' + CAST(id AS VARCHAR(10)) AS label, LEN(name) AS l\nFROM dbo.T{j}\n",
    "DELETE FROM dbo.T{j} WHERE amount IS NULL AND created < '2020-01-01'\n",
]


def make_file(lines: int, go_every: int, seed: int = 1) -> str:
    rnd = random.Random(seed)
    out, n, i, made = [], 0, 0, 0
    while n < lines:
        i += 1
        tpl = TEMPLATES[0] if made < 3 or rnd.random() < 0.05 else rnd.choice(TEMPLATES[1:])
        if tpl is TEMPLATES[0]:
            made += 1
        text = tpl.format(i=i, j=rnd.randint(1, max(1, made)))
        out.append(text)
        n += text.count("\n")
        if go_every and i % go_every == 0:
            out.append("GO\n")
            n += 1
    return "".join(out)


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, int(round(p / 100 * (len(xs) - 1)))))
    return xs[k]


async def run(a) -> dict:
    text = open(a.file, encoding="utf-8", errors="replace").read() if a.file else make_file(a.lines, a.go_every)
    lines = text.split("\n")
    rnd = random.Random(a.seed)
    with tempfile.TemporaryDirectory() as tmp:
        d = Driver()
        await d.start(tmp)
        from pathlib import Path

        uri = (Path(tmp) / "big.sql").as_uri()
        t0 = time.perf_counter()
        diags = await d.open(uri, text, timeout=300)
        cold = time.perf_counter() - t0
        times = []
        inserted: list[tuple[int, int]] = []
        for k in range(a.edits):
            if inserted and k % 2:  # delete what the previous edit typed
                line, col = inserted.pop()
                secs, diags = await d.edit_and_wait(uri, (line, col), (line, col + 1), "")
            else:
                line = rnd.randrange(len(lines))
                col = rnd.randint(0, len(lines[line]))
                ch = rnd.choice("abcxyz _1()'")
                secs, diags = await d.edit_and_wait(uri, (line, col), (line, col), ch)
                inserted.append((line, col))
            times.append(secs)
        await d.stop()
    ms = [x * 1000 for x in times]
    return {"lines": len(lines), "edits": len(ms), "cold_open_ms": round(cold * 1000, 1),
            "diagnostics": len(diags), "p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1),
            "max_ms": round(max(ms), 1), "mean_ms": round(statistics.mean(ms), 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=2000)
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--go-every", type=int, default=0, help="a GO line every N statements (0: none)")
    ap.add_argument("--file", default=None, help="use this T-SQL file instead of a generated one")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    print(json.dumps(asyncio.run(run(a))))


if __name__ == "__main__":
    main()
