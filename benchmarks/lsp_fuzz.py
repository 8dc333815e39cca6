"""Fuzz the language server with random edits over stdio: it must never crash, and every
answer must make sense (diagnostic ranges inside the document, hovers and code actions answer).

    python benchmarks/lsp_fuzz.py [--edits 5000] [--seed 1] [--check-every 20]

Edits insert T-SQL fragments (keywords, quotes, brackets, comment openers, GO lines, CRLF,
non-BMP characters), delete random ranges or replace them, in bursts; every ``check-every``
edits the fuzzer waits for the diagnostics of the newest version, checks them, and asks for a
hover and code actions at random positions. Prints a JSON summary; exit 1 on any failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lsprotocol import types as t  # noqa: E402

from lsp.driver import Driver  # noqa: E402

FRAGMENTS = ["SELECT ", "FROM ", "WHERE ", "CREATE TABLE ", "CREATE PROCEDURE p AS ", "BEGIN ", "END ", "IF ",
             "ELSE ", "WHILE 1=1 ", "DECLARE @x INT ", "SET @x = ", "EXEC ", "INSERT INTO t VALUES (", ")", "(",
             "'", "''", "\"", "[", "]", "/*", "*/", "--", "\nGO\n", "\nGO 3\n", ";", ",", ".", "@", "#t", "##g",
             "N'é'", "😀", "\r\n", "\n", " ", "\t", "TOP 5 ", "ISNULL(a, 1)", "GETDATE()", "CAST(x AS INT)",
             "BEGIN TRY ", "END TRY BEGIN CATCH ", "END CATCH ", "CASE WHEN 1=1 THEN 2 END", "UNION ALL ",
             "WITH cte AS (SELECT 1 AS a) ", "MERGE t USING s ON 1=1 WHEN MATCHED THEN DELETE;", "0x1F", "1e309",
             "\\", "$", "\u200b", "\ufeff", "IDENTITY(1,1) ", "NVARCHAR(MAX) ", "PRIMARY KEY ", "GO"]

SEED = ("CREATE TABLE dbo.T (id INT IDENTITY(1,1) PRIMARY KEY, name NVARCHAR(50))\nGO\n"
        "CREATE PROCEDURE dbo.P @id INT AS\nBEGIN\n  DECLARE @n INT\n  SELECT @n = COUNT(*) FROM dbo.T WHERE id = @id\n"
        "  IF @n = 0 PRINT 'none'\nEND\nGO\nSELECT TOP 3 ISNULL(name, 'x') AS n FROM dbo.T\n")


def u16(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


class Model:
    """The client's copy of the document (what the server should have)."""

    def __init__(self, text: str):
        self.text = text

    def lines(self) -> list[str]:
        import re

        return re.split(r"\r\n|\r|\n", self.text)

    def pos(self, offset: int) -> tuple[int, int]:
        """LSP (line, UTF-16 character) of a code-point offset (never inside a CRLF pair)."""
        before = self.text[:offset]
        import re

        parts = re.split(r"\r\n|\r|\n", before)
        return len(parts) - 1, u16(parts[-1])

    def safe(self, offset: int) -> int:
        if 0 < offset < len(self.text) and self.text[offset - 1] == "\r" and self.text[offset] == "\n":
            offset -= 1
        return offset


async def run(a) -> dict:
    rnd = random.Random(a.seed)
    problems: list[str] = []
    stats = {"edits": 0, "checks": 0, "hovers": 0, "actions": 0, "diagnostics_seen": 0}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        d = Driver()
        await d.start(tmp)
        from pathlib import Path

        uris = [(Path(tmp) / "fuzz.sql").as_uri(), (Path(tmp) / "fuzz.pkb").as_uri()]
        models = {}
        for uri in uris:
            models[uri] = Model(SEED)
            await d.open(uri, SEED)
        for k in range(a.edits):
            uri = uris[0] if rnd.random() < 0.85 else uris[1]
            m = models[uri]
            n = len(m.text)
            op = rnd.random()
            i = m.safe(rnd.randint(0, n))
            if op < 0.55:
                j, new = i, "".join(rnd.choice(FRAGMENTS) for _ in range(rnd.randint(1, 4)))
            elif op < 0.85:
                j, new = m.safe(min(n, i + rnd.randint(1, 40))), ""
            else:
                j, new = m.safe(min(n, i + rnd.randint(1, 20))), rnd.choice(FRAGMENTS)
            if len(m.text) - (j - i) + len(new) > 200_000:
                j, new = m.safe(min(n, i + 5000)), ""
            start, end = m.pos(i), m.pos(j)
            m.text = m.text[:i] + new + m.text[j:]
            d.change(uri, start, end, new)
            stats["edits"] += 1
            if k % a.check_every == a.check_every - 1 or k == a.edits - 1:
                await check(d, uri, m, rnd, problems, stats)
            if d.client.stopped or problems[10:]:
                break
        for uri in uris:
            await check(d, uri, models[uri], rnd, problems, stats)
        # the server's text must be ours: the whole-file fix ends where our copy ends
        lines = models[uris[0]].lines()
        acts = await d.client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uris[0]), range=t.Range(start=t.Position(line=0, character=0),
                                                                               end=t.Position(line=0, character=0)),
            context=t.CodeActionContext(diagnostics=[])))
        whole = [x for x in acts or [] if x.kind == "source.convertToOracle"]
        if whole:
            end = whole[0].edit.changes[uris[0]][0].range.end
            if (end.line, end.character) != (len(lines) - 1, u16(lines[-1])):
                problems.append(f"document out of sync: server ends at {end}, client at "
                                f"{(len(lines) - 1, u16(lines[-1]))}")
        stats["synced"] = bool(whole)
        alive = not d.client.stopped
        await d.stop()
    return {"edits": stats["edits"], "checks": stats["checks"], "hovers": stats["hovers"],
            "code_actions": stats["actions"], "diagnostics_seen": stats["diagnostics_seen"],
            "server_alive": alive, "sync_checked": stats.get("synced"), "problems": problems[:10], "seconds": round(time.perf_counter() - t0, 1)}


async def check(d: Driver, uri: str, m: Model, rnd: random.Random, problems: list[str], stats: dict) -> None:
    v = d.versions[uri]
    got = d.diags.get(uri)
    try:
        if got is None or got[0] != v:
            fut = d._waiter(uri, v)
            got = (v, await asyncio.wait_for(fut, 60))
    except asyncio.TimeoutError:
        problems.append(f"no diagnostics for version {v} within 60 s")
        return
    stats["checks"] += 1
    lines = m.lines()
    for diag in got[1]:
        stats["diagnostics_seen"] += 1
        r = diag.range
        for p in (r.start, r.end):
            if not (0 <= p.line < len(lines)) or not (0 <= p.character <= u16(lines[p.line])):
                problems.append(f"v{v}: range {r} outside the document ({len(lines)} lines)")
                return
        if (r.end.line, r.end.character) < (r.start.line, r.start.character):
            problems.append(f"v{v}: inverted range {r}")
    line = rnd.randrange(len(lines))
    pos = t.Position(line=line, character=rnd.randint(0, u16(lines[line])))
    try:
        await asyncio.wait_for(d.client.text_document_hover_async(t.HoverParams(
            text_document=t.TextDocumentIdentifier(uri=uri), position=pos)), 60)
        stats["hovers"] += 1
        acts = await asyncio.wait_for(d.client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri), range=t.Range(start=pos, end=pos),
            context=t.CodeActionContext(diagnostics=[]))), 60)
        stats["actions"] += len(acts or [])
    except Exception as e:  # noqa: BLE001
        problems.append(f"v{v}: request failed: {type(e).__name__}: {e}"[:300])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check-every", type=int, default=20)
    a = ap.parse_args()
    out = asyncio.run(run(a))
    print(json.dumps(out))
    sys.exit(0 if out["server_alive"] and not out["problems"] else 1)


if __name__ == "__main__":
    main()
