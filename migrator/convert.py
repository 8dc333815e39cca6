"""Convert one file: segment, parse, apply rules, generate, and render with markers.

This is the core the CLI and the language server share. It is a pure function of
(source text, project context): no I/O, so it runs in worker processes and caches.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

from sqlglot import exp

from migrator.backend.oracle import generate
from migrator.frontend.nodes import Block, If, Label, Node, Opaque, Routine, Statement, TryCatch, While
from migrator.frontend.segment import iter_segments, parse_statement
from migrator.rulebook import ERROR, INFO, NOTE, TODO, Context, Engine, Event, Unconvertible
from migrator.source import Batch, SourceFile, Span, split_batches

CONVERTED, CAVEATS, MARKED, FAILED = "converted", "caveats", "marked", "failed"
MODEL = "model"  # converted by the fine-tuned model and accepted (--accept-model): migrator/model/route.py


@dataclass
class UnitResult:
    kind: str
    name: str
    span: Span
    status: str
    events: list[Event]
    oracle: str  # rendered Oracle text for this unit (markers included)
    source: str
    setup: dict = field(default_factory=dict)  # key -> DDL this unit needs in the setup script
    out_line: int = 0  # first line of this unit's Oracle text in the output file (1-based; 0 = unknown)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "status": self.status, **self.span.to_dict(),
                "events": [e.to_dict() for e in self.events]}


@dataclass
class FileResult:
    path: str
    units: list[UnitResult] = field(default_factory=list)
    output: str | None = None
    error: str | None = None  # file-level failure (cannot read/decode): no output written
    encoding: str = ""

    @property
    def setup(self) -> dict:
        merged: dict = {}
        for u in self.units:
            merged.update(u.setup)
        return merged

    @property
    def status(self) -> str:
        if self.error:
            return FAILED
        order = [FAILED, MARKED, MODEL, CAVEATS, CONVERTED]
        statuses = {u.status for u in self.units}
        for s in order:
            if s in statuses:
                return s
        return CONVERTED

    def to_dict(self) -> dict:
        d = {"path": self.path, "status": self.status, "encoding": self.encoding,
             "units": [u.to_dict() for u in self.units]}
        if self.error:
            d["error"] = self.error
        return d


@dataclass
class Project:
    """What every file's conversion may consult: catalog, names, options."""

    catalog: object
    names: object
    config: object
    engine: Engine | None = None
    # (path, batch offset) -> (batch text, nodes) the catalog pass already segmented and parsed
    # in this run (pipeline.convert_tree): conversion takes them instead of doing it again
    segments: dict | None = None

    def get_engine(self) -> Engine:
        if self.engine is None:
            self.engine = Engine(disabled=set(getattr(self.config, "disable_rules", []) or []))
        return self.engine


# --- classification --------------------------------------------------------------

def classify(node: Node) -> tuple[str, str]:
    """(kind, name) of a top-level unit for the report."""
    if isinstance(node, Block) and node.__class__.__name__ == "Script":
        return "script", ""
    if isinstance(node, Routine):
        return node.kind, node.name
    if isinstance(node, Statement):
        words = " ".join(t.text for t in node.tokens[:8]).upper().split()  # some tokens hold two words
        first = node.keyword
        if first in {"CREATE", "ALTER"}:
            rest = [w for w in words[1:] if w not in {"OR", "REPLACE", "UNIQUE", "CLUSTERED", "NONCLUSTERED"}]
            obj = rest[0].lower() if rest else "statement"
            obj = {"alter": "view", "proc": "procedure"}.get(obj, obj)
            if first == "ALTER" and obj == "table":
                obj = "alter_table"
            name = _name_after(node, obj)
            return obj, name
        if first in {"SELECT", "WITH"}:
            return "query", ""
        if first in {"INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE"}:
            return "dml", ""
        if first in {"EXEC", "EXECUTE"}:
            target = node.tokens[1].text if len(node.tokens) > 1 else ""
            special = {"sp_addextendedproperty": "comment", "sp_addtype": "type"}.get(target.lower())
            return special or "exec", target
        if first == "DROP":
            return "drop", ""
        return "script", ""
    if isinstance(node, Opaque):
        return "unknown", ""
    return "script", ""


def _name_after(node: Statement, obj: str) -> str:
    toks = node.tokens
    for i, t in enumerate(toks):
        if t.text.upper() == obj.upper() or (obj == "procedure" and t.text.upper() == "PROC"):
            parts = []
            j = i + 1
            while j < len(toks) and (not parts or toks[j].text == "." or parts[-1] == "."):
                parts.append(toks[j].text)
                j += 1
            return "".join(parts)
    return ""


# --- conversion ----------------------------------------------------------------

PROCEDURAL_KEYWORDS = {"DECLARE", "PRINT", "RETURN", "RAISERROR", "THROW", "BREAK", "CONTINUE", "GOTO",
                       "WAITFOR", "OPEN", "FETCH", "CLOSE", "DEALLOCATE"}


def is_procedural(node: Node) -> bool:
    """Does this top-level node need a PL/SQL block (variables, control flow)?"""
    if isinstance(node, (If, While, Block, TryCatch, Label)):
        return True
    if isinstance(node, Statement):
        if node.keyword in PROCEDURAL_KEYWORDS:
            return True
        if node.keyword == "SET" and len(node.tokens) > 1 and node.tokens[1].text.startswith("@"):
            return True
        if node.keyword in {"EXEC", "EXECUTE"} and len(node.tokens) > 1 and node.tokens[1].text == "(":
            return True
        if node.keyword in {"EXEC", "EXECUTE"} and _user_call(node):  # a call → BEGIN proc(...); END;
            return True
    return False


def _user_call(node: Statement) -> bool:
    """EXEC of a user procedure or sp_executesql (other sp_/xp_ system procedures keep their rules)."""
    toks = [t for t in node.tokens[1:] if t.text != "."]
    if len(toks) >= 2 and toks[1].text == "=" and toks[0].text.startswith("@"):
        toks = toks[2:]
    elif len(toks) >= 3 and toks[0].text == "@" and toks[2].text == "=":
        toks = toks[3:]
    if not toks:
        return False
    name = toks[0].text.strip("[]").lower()
    if name in {"dbo", "sys"} and len(toks) > 1:
        name = toks[1].text.strip("[]").lower()
    return name == "sp_executesql" or not name.startswith(("sp_", "xp_"))


def convert_source(src: SourceFile, project: Project) -> FileResult:
    return assemble(src, convert_units(src, project, split_batches(src.text)))


def convert_units(src: SourceFile, project: Project, batches: list[Batch]) -> list[tuple[int, int, UnitResult]]:
    """(start, end, unit) of every top-level unit of these batches, in order. Batches convert
    independently: a large file's batches may be converted in several processes and the
    pieces joined by ``assemble``."""
    done: list[tuple[int, int, UnitResult]] = []
    for batch in batches:
        nodes = _segments(src, batch, project)  # lazy (bounded memory) only for a batch over 2 MiB
        units = _group_script(nodes, project) if isinstance(nodes, list) else nodes
        for node in units:
            unit = convert_node(node, batch, src, project)
            if batch.repeat > 1:
                unit.events.append(Event("TS0003", TODO, f"GO {batch.repeat}: the batch runs {batch.repeat} times in "
                                         "SQL Server; wrap it in a loop by hand", node.span.line, node.span.col))
                unit.status = MARKED
                unit.oracle = f"-- MIGRATION TODO [TS0003]: this batch was followed by GO {batch.repeat} " \
                              f"(run {batch.repeat} times)\n" + unit.oracle
            done.append((node.span.start, node.span.end, unit))
    return done


def assemble(src: SourceFile, converted: list[tuple[int, int, UnitResult]]) -> FileResult:
    """The file's Oracle text: converted units in order, comments between them kept."""
    result = FileResult(path=src.path, encoding=src.encoding)
    pieces: list = []
    last_end = 0
    for start, end, unit in converted:
        pieces.append(_gap_comments(src.text[last_end:start]))
        result.units.append(unit)
        pieces.append(unit)
        last_end = end
    pieces.append(_gap_comments(src.text[last_end:]))
    out, line = [], 1
    for p in pieces:  # join, noting where each unit's text starts (the source map for validation)
        body = p.oracle if isinstance(p, UnitResult) else p
        if not body.strip():
            continue
        if isinstance(p, UnitResult):
            p.out_line = line
        body = body.rstrip("\n")
        out.append(body)
        line += body.count("\n") + 1
    text = "\n".join(out)
    result.output = text + "\n" if text else ""
    return result


def _segments(src: SourceFile, batch: Batch, project: Project):
    """The batch's nodes: from the catalog pass of this run when it kept them, else segmented now."""
    if project.segments:
        hit = project.segments.pop((src.path, batch.offset), None)
        if hit is not None and hit[0] == batch.text:
            return hit[1]
    return iter_segments(src, batch)


def _unit_rule_for(node: Node, rules) -> bool:
    return isinstance(node, If) and any(isinstance(node, cls) for _r, cls, _f in rules)


class Script(Block):
    """A batch of script-level procedural code: one anonymous PL/SQL block."""


def _group_script(nodes: list[Node], project: Project) -> list[Node]:
    """T-SQL variables live for a whole batch: a batch with procedural code becomes one
    anonymous block (unless a unit rule converts a lone idiom, e.g. IF OBJECT_ID … DROP)."""
    from migrator.rulebook import unit_rules

    if len(nodes) < 2 or not any(is_procedural(n) for n in nodes):
        return nodes  # a lone node: convert_node picks unit rule, script or SQL
    if any(isinstance(n, Routine) for n in nodes):
        return nodes
    if all(len(nodes) == 1 or not is_procedural(n) or _unit_rule_for(n, unit_rules()) for n in nodes):
        return nodes
    first, last = nodes[0].span, nodes[-1].span
    from migrator.source import Span

    span = Span(first.start, last.end, first.line, first.col, last.end_line, last.end_col)
    text = "\n".join(n.text for n in nodes)
    return [Script(span, text, list(nodes))]


def _gap_comments(gap: str) -> str:
    """Comments between statements are kept verbatim; GO separators and blank runs are not."""
    import re

    lines = []
    in_block = False
    for line in gap.split("\n"):
        s = line.strip()
        if in_block:
            lines.append(line)
            if "*/" in s:
                in_block = False
            continue
        if not s or re.fullmatch(r"(?i)GO(\s+\d+)?(\s*--.*)?|;", s):
            if lines and lines[-1] != "":
                lines.append("")
            continue
        if s.startswith("--"):
            lines.append(line)
        elif s.startswith("/*"):
            lines.append(line)
            in_block = "*/" not in s[2:]
        else:
            lines.append("-- " + line)  # should not happen: code outside any statement
    return "\n".join(lines).strip("\n")


def convert_node(node: Node, batch: Batch, src: SourceFile, project: Project) -> UnitResult:
    kind, name = classify(node)
    ctx = Context(project.catalog, project.names, project.config, span=node.span, kind=kind,
                  locate=lambda a, b: src.span(batch.offset + a, batch.offset + b))
    try:
        body = _convert(node, batch, ctx, project, src)
    except Unconvertible as u:
        return _marked(node, kind, name, ctx, u.rule, u.message)
    except Exception as e:  # noqa: BLE001 - a bug in one rule must not lose the rest of the file
        tb = traceback.extract_tb(e.__traceback__)[-1]
        msg = f"internal error {type(e).__name__}: {e} ({tb.filename.rsplit('/', 1)[-1]}:{tb.lineno})"
        unit = _marked(node, kind, name, ctx, "TS0002", msg[:300])
        unit.status = FAILED
        return unit
    notes = [e for e in ctx.events if e.severity == NOTE]
    todos = [e for e in ctx.events if e.severity == TODO]
    header = "".join(f"-- MIGRATION NOTE [{e.rule}]: {e.message}\n" for e in _dedupe(notes))
    header += "".join(f"-- {line}\n" for line in dict.fromkeys(ctx.comments))
    if todos:  # statements inside a routine kept under TODO markers: the routine itself is converted
        header = f"-- MIGRATION TODO: {len(todos)} statement(s) below not converted; search for MIGRATION TODO\n" \
                 + header
    status = MARKED if todos else CAVEATS if notes else CONVERTED
    return UnitResult(kind, name, node.span, status, ctx.events, header + body, node.text, dict(ctx.setup))


def _dedupe(events: list[Event]) -> list[Event]:
    seen, out = set(), []
    for e in events:
        key = (e.rule, e.message)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _marked(node: Node, kind: str, name: str, ctx: Context, rule: str, message: str) -> UnitResult:
    todo = [e for e in ctx.events if e.severity == TODO and e.rule == rule and e.message == message]
    ev = todo[-1] if todo else Event(rule, TODO, message, node.span.line, node.span.col, node.span.end_line,
                                     node.span.end_col)
    events = [e for e in ctx.events if e.severity not in (INFO, TODO)] + [ev]
    text = f"-- MIGRATION TODO [{rule}]: {_one_line(message)}\n" + comment_out(node.text)
    return UnitResult(kind, name, node.span, MARKED, events, text, node.text)


def _one_line(s: str) -> str:
    return " ".join(s.split())


def comment_out(text: str) -> str:
    """The original T-SQL, kept verbatim inside a block comment (line comments if it holds ``*/``)."""
    body = text.strip("\n")
    if "*/" not in body and not body.rstrip().endswith("/*"):
        return "/*\n" + body + "\n*/"
    return "\n".join(("-- " + line).rstrip() for line in body.split("\n"))


def _convert(node: Node, batch: Batch, ctx: Context, project: Project, src: SourceFile) -> str:
    from migrator.rulebook import unit_rules

    for rule, cls, fn in unit_rules():
        if isinstance(node, cls):
            out = fn(node, ctx, project)
            if out is not None:
                return out
    if isinstance(node, Script) or isinstance(node, (If, While, Block, TryCatch, Label)) or \
            (isinstance(node, Statement) and is_procedural(node)):
        from migrator.plsql.converter import ProcConverter

        return ProcConverter(ctx, project, src, batch).script(node.body if isinstance(node, Script) else [node])
    if isinstance(node, Statement):
        if node.keyword == "SET":
            from migrator.plsql.converter import ProcConverter
            from migrator.plsql.statements import set_

            return set_(ProcConverter(ctx, project, src, batch), node, 0).rstrip() or \
                "-- " + " ".join(node.text.split()) + " (removed: no Oracle equivalent needed)"
        return convert_statement(node, batch, ctx, project)
    if isinstance(node, Routine):
        from migrator.plsql.converter import ProcConverter

        return ProcConverter(ctx, project, src, batch).routine(node)
    if isinstance(node, Opaque):
        raise Unconvertible("TS0001", node.reason)
    raise Unconvertible("TS0001", "unrecognised statement")


SERVER_STATEMENTS = {
    "BULK": "BULK INSERT: load the file with SQL*Loader or an external table",
    "DBCC": "DBCC: SQL Server maintenance command; no Oracle counterpart",
    "CHECKPOINT": "CHECKPOINT: SQL Server server command; no Oracle counterpart",
    "KILL": "KILL: use ALTER SYSTEM KILL SESSION by hand",
    "BACKUP": "BACKUP: use RMAN",
    "RESTORE": "RESTORE: use RMAN",
    "RECONFIGURE": "RECONFIGURE: SQL Server server configuration; no Oracle counterpart",
    "SETUSER": "SETUSER: no Oracle counterpart",
}


def convert_statement(stmt: Statement, batch: Batch, ctx: Context, project: Project) -> str:
    if stmt.keyword in SERVER_STATEMENTS:
        raise Unconvertible("TS0004", SERVER_STATEMENTS[stmt.keyword])
    fresh = stmt.expr is None and stmt.error is None
    if stmt.__dict__.pop("parsed_for_conversion", False):
        fresh = True  # parsed by this run's catalog pass exactly as below, and held by no one else
    elif fresh:
        _strip_edge_comments(stmt)
        parse_statement(stmt, batch.text)
    if stmt.expr is None:
        raise Unconvertible("TS0001", f"T-SQL the parser could not read: {stmt.error}")
    if fresh:
        # parsed for this conversion only: the rules may change it in place (no copy, which
        # costs as much as a second parse); a later reader of the statement parses it again
        tree, stmt.expr = stmt.expr, None
    else:
        tree = stmt.expr.copy()
    if isinstance(tree, exp.Command):
        raise Unconvertible("TS0001", f"statement not understood: {tree.sql(dialect='tsql')[:60]}")
    check_root(tree, allow_execute=True, kinds=False)
    tree = project.get_engine().apply(tree, ctx)
    return render(tree, copy=False)


# What a converted statement may be at its root. Anything else (a bare word parsed as a column,
# USE, a T-SQL EXEC left over ...) is refused, never printed as if it were Oracle.
STATEMENT_ROOTS = (exp.Query, exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Alter, exp.Drop,
                   exp.Comment, exp.TruncateTable, exp.Grant, exp.Revoke, exp.Commit, exp.Rollback)


OBJECT_KINDS = {"TABLE", "VIEW", "INDEX", "SEQUENCE", "SYNONYM", "TYPE", "PROCEDURE", "FUNCTION", "TRIGGER",
                "PACKAGE", "MATERIALIZED VIEW", "COLUMN", "CONSTRAINT"}


def check_root(tree: exp.Expression, allow_execute: bool = False, kinds: bool = True) -> None:
    """Refuse a statement root Oracle does not have. ``kinds``: also check the object kind of
    CREATE/ALTER/DROP (only after conversion: T-SQL kinds such as NONCLUSTERED INDEX are
    rewritten by the rules)."""
    if type(tree).__module__.startswith(("migrator.", "rules.")):
        return
    if kinds and isinstance(tree, (exp.Create, exp.Alter, exp.Drop)):
        kind = (tree.args.get("kind") or "").upper()
        if kind and kind not in OBJECT_KINDS:
            verb = type(tree).__name__.upper()
            raise Unconvertible("TS0004", f"{verb} {kind}: a SQL Server object kind Oracle does not have (or that "
                                          "means something else there); create its Oracle counterpart by hand")
    if isinstance(tree, exp.Update) and not tree.expressions:
        raise Unconvertible("TS0004", "UPDATE without SET: not a statement Oracle has")
    if isinstance(tree, STATEMENT_ROOTS):
        return
    if allow_execute and isinstance(tree, exp.Execute):
        return
    if isinstance(tree, exp.Use):
        raise Unconvertible("TS0004", "USE database: Oracle has no per-script database switch; connect as (or "
                                      "ALTER SESSION SET CURRENT_SCHEMA to) the target schema")
    first = tree.sql(dialect="tsql").split("\n")[0][:60]
    raise Unconvertible("TS0004", f"not a statement Oracle has: {first}")


def render(tree: exp.Expression, copy: bool = True) -> str:
    """Oracle text of a converted tree plus its terminator. ``copy=False``: the caller hands
    the tree over (the generator may change it while printing; it is not used again)."""
    check_root(tree)
    sql = generate(tree, copy=copy)
    if tree.meta.get("plsql"):
        return sql.rstrip().rstrip(";") + ";\n/"
    return sql.rstrip().rstrip(";") + ";"


def _strip_edge_comments(stmt: Statement) -> None:
    """Comments before/after a statement are emitted verbatim from the gap text."""
    if stmt.tokens:
        stmt.tokens[0].comments = []
        stmt.tokens[-1].comments = []
