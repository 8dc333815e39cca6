"""The front end's tree: procedural structure around sqlglot SQL statements.

sqlglot owns SQL statements and expressions (``exp.Expression``); this module owns
what sqlglot cannot parse in real T-SQL: batches, blocks, IF/WHILE, TRY/CATCH,
routines. Every node carries the span of its source text, so diagnostics, the
language server and Oracle error mapping can point at the T-SQL it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from migrator.source import Span


@dataclass
class Node:
    span: Span
    text: str  # original source text of the node

    @property
    def children(self) -> list["Node"]:
        return []


@dataclass
class Statement(Node):
    """One SQL or simple procedural statement. ``expr`` is None when unparsed."""

    tokens: list = field(default_factory=list, repr=False)
    expr: exp.Expression | None = None
    error: str | None = None  # parse error message when expr is None
    keyword: str = ""  # first keyword, upper case (SELECT, CREATE, DECLARE, ...)


@dataclass
class Block(Node):
    """BEGIN ... END."""

    body: list[Node] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return self.body


@dataclass
class If(Node):
    cond_text: str = ""
    cond_tokens: list = field(default_factory=list, repr=False)
    then: Node | None = None
    else_: Node | None = None

    @property
    def children(self) -> list[Node]:
        return [n for n in (self.then, self.else_) if n is not None]


@dataclass
class While(Node):
    cond_text: str = ""
    cond_tokens: list = field(default_factory=list, repr=False)
    body: Node | None = None

    @property
    def children(self) -> list[Node]:
        return [self.body] if self.body else []


@dataclass
class TryCatch(Node):
    try_body: list[Node] = field(default_factory=list)
    catch_body: list[Node] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return self.try_body + self.catch_body


@dataclass
class Label(Node):
    name: str = ""


@dataclass
class Routine(Node):
    """CREATE/ALTER PROCEDURE, FUNCTION, TRIGGER or VIEW: the rest of its batch.

    ``header_tokens`` run up to the body (AS / BEGIN); ``body`` is segmented
    statement by statement for the procedural converter.
    """

    kind: str = ""  # procedure | function | trigger | view
    name: str = ""
    tokens: list = field(default_factory=list, repr=False)
    body: list[Node] = field(default_factory=list)

    @property
    def children(self) -> list[Node]:
        return self.body


@dataclass
class Opaque(Node):
    """Text we could not segment or tokenize; kept verbatim with the reason."""

    reason: str = ""
