"""The rule catalogue's machinery: registration, context, events, application.

A rule lives in its own file under the ``rules`` package (sqlfluff style): a stable
id (``TS0123``), a dotted name, a docstring (first line: what it does; then
T-SQL → Oracle examples), and one or more pure transforms ``Expr -> Expr``
registered for sqlglot node classes. Fixtures live in ``rules/fixtures/<ID>.yaml``.

Transforms never print SQL. They return a node (the same one, or a replacement) and
report through the context:

- ``ctx.fixed(rule, node, msg)``  converted by a rule (LSP: information)
- ``ctx.note(rule, node, msg)``   converted, with a semantic caveat (``-- MIGRATION NOTE``)
- ``ctx.todo(rule, node, msg)``   cannot convert: the whole statement is kept commented
                                  out under ``-- MIGRATION TODO [ID]: msg``
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable

from sqlglot import exp

Transform = Callable[[exp.Expression, "Context"], exp.Expression]

INFO, NOTE, TODO, ERROR = "info", "note", "todo", "error"


@dataclass
class Rule:
    id: str
    name: str
    summary: str
    doc: str
    category: str
    module: str = ""
    transforms: list[tuple[tuple[type, ...], Transform, str]] = field(default_factory=list)  # (nodes, fn, order)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "summary": self.summary, "category": self.category}


@dataclass
class Event:
    rule: str
    severity: str  # info | note | todo | error
    message: str
    line: int | None = None  # 1-based, file coordinates
    col: int | None = None
    end_line: int | None = None
    end_col: int | None = None

    def to_dict(self) -> dict:
        d = {"rule": self.rule, "severity": self.severity, "message": self.message}
        if self.line is not None:
            d.update(line=self.line, col=self.col, end_line=self.end_line, end_col=self.end_col)
        return d


class Unconvertible(Exception):
    """Raised by ``ctx.todo``: the statement cannot be converted."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule, self.message = rule, message


RULES: dict[str, Rule] = {}


def define(id: str, name: str, category: str, doc: str) -> Rule:
    """Declare a rule (once per rule file)."""
    doc = (doc or "").strip()
    summary = doc.splitlines()[0] if doc else name
    rule = Rule(id=id, name=name, summary=summary, doc=doc, category=category)
    RULES[id] = rule
    return rule


def transform(rule: Rule, *nodes: type, order: str = "post") -> Callable[[Transform], Transform]:
    """Register ``fn`` as a transform of ``rule`` for nodes of the given classes.

    ``order="pre"`` runs before the node's children are converted (rules that need
    to see the original T-SQL operands, e.g. type-dependent ``+``); ``"post"`` after.
    """

    def deco(fn: Transform) -> Transform:
        rule.transforms.append((nodes, fn, order))
        return fn

    return deco


_LOADED = False


def load_rules() -> dict[str, Rule]:
    global _LOADED
    if not _LOADED:
        import rules

        for mod in sorted(pkgutil.iter_modules(rules.__path__), key=lambda m: m.name):
            if mod.name.startswith("ts"):
                m = importlib.import_module(f"rules.{mod.name}")
                for r in RULES.values():
                    if not r.module and r.id.lower() in mod.name:
                        r.module = m.__name__
        _LOADED = True
    return RULES


class Context:
    """What a transform may consult and report to, for one statement."""

    def __init__(self, catalog, names, config, span=None, kind: str = "", locate=None):
        self.locate = locate  # (batch start, batch end) offsets -> file Span
        self.catalog = catalog
        self.names = names
        self.config = config
        self.span = span  # source Span of the statement
        self.kind = kind
        self.events: list[Event] = []
        self.variables: dict[str, str] | None = None  # procedural scope: T-SQL name (casefold) -> PL/SQL name
        self.variable_types: dict[str, str | None] = {}  # T-SQL name (casefold) -> T-SQL type text
        self.setup: dict[str, str] = {}  # key -> Oracle DDL for the generated setup script (GTTs, types)
        self.comments: list[str] = []  # informational comment lines emitted above the statement
        self.extra_before: list[str] = []  # rendered statements to emit before this one (e.g. setup)
        self.scope_tables: dict[str, str] = {}  # alias/name (casefold) -> table name, for type lookups

    def _event(self, rule: Rule | str, severity: str, node, message: str) -> Event:
        rid = rule.id if isinstance(rule, Rule) else rule
        line = col = end_line = end_col = None
        span = self.node_span(node)
        if span is not None:
            line, col, end_line, end_col = span.line, span.col, span.end_line, span.end_col
        ev = Event(rid, severity, message, line, col, end_line, end_col)
        self.events.append(ev)
        return ev

    def node_span(self, node):
        """File span of a sqlglot node (from token offsets in its meta), else the statement's."""
        if node is not None and self.locate is not None and isinstance(node, exp.Expression):
            starts, ends = [], []
            Expr = exp.Expr
            order, i = [node], 0
            while i < len(order):  # node.walk()'s breadth-first order, unrolled (hot: every change)
                n = order[i]
                i += 1
                m = n._meta
                if m and "start" in m and "end" in m:
                    starts.append(m["start"])
                    ends.append(m["end"])
                    if len(starts) > 64:
                        break
                for vs in n.args.values():
                    if isinstance(vs, list):
                        for v in vs:
                            if isinstance(v, Expr):
                                order.append(v)
                    elif isinstance(vs, Expr):
                        order.append(vs)
            if starts:
                try:
                    return self.locate(min(starts), max(ends) + 1)
                except Exception:  # noqa: BLE001 - a position is a nicety, never fatal
                    pass
        return self.span

    def changed(self, rule: Rule, node) -> None:
        """A transform replaced ``node``: an information event, unless the rule reported one there."""
        span = self.node_span(node)
        line, col = (span.line, span.col) if span is not None else (None, None)
        for e in self.events:
            if e.rule == rule.id and e.line == line and e.col == col:
                return
        end_line, end_col = (span.end_line, span.end_col) if span is not None else (None, None)
        self.events.append(Event(rule.id, INFO, rule.summary, line, col, end_line, end_col))

    def fixed(self, rule, node, message: str) -> None:
        self._event(rule, INFO, node, message)

    def note(self, rule, node, message: str) -> None:
        self._event(rule, NOTE, node, message)

    def todo(self, rule, node, message: str):
        """Give up on this statement: it is kept commented out under a TODO marker."""
        rid = rule.id if isinstance(rule, Rule) else rule
        self._event(rid, TODO, node, message)
        raise Unconvertible(rid, message)


class Engine:
    """Applies every registered transform in one traversal (pre + post hooks by class)."""

    def __init__(self, rules: dict[str, Rule] | None = None, disabled: set[str] | None = None):
        self.rules = rules if rules is not None else load_rules()
        disabled = disabled or set()
        self.pre: list[tuple[tuple[type, ...], Transform, Rule]] = []
        self.post: list[tuple[tuple[type, ...], Transform, Rule]] = []
        for rid in sorted(self.rules):
            r = self.rules[rid]
            if rid in disabled or r.category == "names":
                continue
            for nodes, fn, order in r.transforms:
                (self.pre if order == "pre" else self.post).append((nodes, fn, r))
        named = [(nodes, fn, r, order) for rid in sorted(self.rules) if rid not in disabled
                 for r in [self.rules[rid]] if r.category == "names" for nodes, fn, order in r.transforms]
        self.names_pre = [(n, f, r) for n, f, r, o in named if o == "pre"]
        self.names_pass = [(n, f, r) for n, f, r, o in named if o != "pre"]
        self._cache: dict[tuple[type, str], list] = {}
        # per pass: class -> (pre fns, post fns), filled on first sight of a class
        self._tables: dict[str, dict[type, tuple[tuple, tuple]]] = {"main": {}, "names": {}}
        self._lists = {"main": (self.pre, self.post), "names": (self.names_pre, self.names_pass)}

    def _for(self, cls: type, which: str, table) -> list:
        key = (cls, which)
        hit = self._cache.get(key)
        if hit is None:
            hit = [(fn, r) for nodes, fn, r in table if issubclass(cls, nodes)]
            self._cache[key] = hit
        return hit

    def _fns(self, cls: type, tag: str) -> tuple[tuple, tuple]:
        pre, post = self._lists[tag]
        fns = (tuple(self._for(cls, tag + "pre", pre)), tuple(self._for(cls, tag + "post", post)))
        if fns == _NO_FNS:
            fns = _NO_FNS  # one object: the traversal tests it by identity
        self._tables[tag][cls] = fns
        return fns

    def apply(self, tree: exp.Expression, ctx: Context) -> exp.Expression:
        tree = self._visit(tree, ctx, self.pre, self.post, "main")
        if self.names_pass or self.names_pre:
            tree = self._visit(tree, ctx, self.names_pre, self.names_pass, "names")
        return tree

    # The traversal is the hot loop of every conversion: one recursive closure per pass, with
    # the per-class transform lists looked up once per node.
    # Semantics: a node's pre transforms run in rule order until one returns a different node
    # (a node of another class is visited afresh; one of the same class has its children
    # visited); then the children, left to right, replaced in place when a transform returns a
    # new node; then every post transform in rule order, each on the previous one's result.
    # A child of a class no transform of the pass is for, with no node among its own
    # arguments (an identifier, a literal: most nodes), is left alone: visiting it would
    # change nothing.
    def _visit(self, root: exp.Expression, ctx: Context, pre, post, tag: str) -> exp.Expression:
        table = self._tables[tag]
        fns_for = self._fns
        Expression = exp.Expression
        no_fns = _NO_FNS
        track = getattr(ctx, "changed", None) if tag == "main" else None  # every change is reported (LSP: information)

        def visit(node):
            fns = table.get(type(node)) or fns_for(type(node), tag)
            for fn, rule in fns[0]:
                new = fn(node, ctx)
                if new is not node:
                    if track:
                        track(rule, node)
                    if type(new) is not type(node):
                        return visit(new)
                    node = new
                    break
            for key, value in list(node.args.items()):
                if isinstance(value, Expression):
                    if table.get(type(value)) is no_fns:  # inert unless a node hangs under it
                        for v in value.args.values():
                            if isinstance(v, Expression) or (type(v) is list and v):
                                break
                        else:
                            continue
                    new = visit(value)
                    if new is not value:
                        node.set(key, new)
                elif type(value) is list and value:
                    changed = False
                    out = []
                    for v in value:
                        if isinstance(v, Expression):
                            if table.get(type(v)) is no_fns:
                                for w in v.args.values():
                                    if isinstance(w, Expression) or (type(w) is list and w):
                                        break
                                else:
                                    out.append(v)
                                    continue
                            nv = visit(v)
                            if nv is not v:
                                changed = True
                            out.append(nv)
                        else:
                            out.append(v)
                    if changed:
                        node.set(key, out)
            for fn, rule in fns[1]:
                new = fn(node, ctx)
                if new is not node:
                    if track:
                        track(rule, node)
                    node = new
                    if not isinstance(node, Expression):
                        break
            return node

        return visit(root)


_NO_FNS: tuple[tuple, tuple] = ((), ())


# --- unit rules: transforms of front-end nodes (procedural idioms) ------------------------

_UNIT_RULES: list[tuple[Rule, type, Callable]] = []


def unit_transform(rule: Rule, node_class: type):
    """Register ``fn(node, ctx, project) -> str | None`` for a front-end node class.

    Returns rendered Oracle text, or None when the idiom does not match.
    """

    def deco(fn):
        _UNIT_RULES.append((rule, node_class, fn))
        return fn

    return deco


def unit_rules() -> list[tuple[Rule, type, Callable]]:
    """Every unit rule in rule-id order (asked for every top-level node: sorted once per registration)."""
    load_rules()
    if _UNIT_SORTED[0] != len(_UNIT_RULES):
        _UNIT_SORTED[:] = [len(_UNIT_RULES), sorted(_UNIT_RULES, key=lambda r: r[0].id)]
    return _UNIT_SORTED[1]


_UNIT_SORTED: list = [-1, []]  # [registrations sorted, the sorted list]
