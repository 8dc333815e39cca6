"""Parser extensions for T-SQL expr syntax stock sqlglot does not read (mixed into MigrateTSQL.Parser).

Stock sqlglot rewrites several T-SQL built-ins while parsing, losing what the source
said: ``FORMAT(d, 'N2')`` becomes a strftime format, ``DATEDIFF(mi, a, b)`` wraps its
arguments in ``TIME_STR_TO_TIME``, ``YEAR(d)`` in ``TS_OR_DS_TO_DATE``, ``LEN(x)`` in a
``CAST(x AS TEXT)``. Those functions are read here into a :class:`TsqlCall` node that keeps
the T-SQL name and arguments as written (a date part as a ``Var``); the function rules
(TS02xx) convert every one of them, and the guard refuses a ``TsqlCall`` left over.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import TokenType


class TsqlCall(exp.Expression, exp.Func):
    """A T-SQL built-in call kept as written: ``this`` = upper-case name, ``expressions`` = args."""

    arg_types = {"this": True, "expressions": False}
    is_var_len_args = True

    @property
    def name(self) -> str:
        return self.text("this")


# the first argument is a date part keyword (day, dd, mi ...), read as a Var
DATEPART_FIRST = {"DATEADD", "DATEDIFF", "DATEDIFF_BIG", "DATEPART", "DATENAME", "DATETRUNC"}
KEPT = DATEPART_FIRST | {"LEN", "LEFT", "RIGHT", "YEAR", "MONTH", "DAY", "FORMAT", "EOMONTH", "DATALENGTH"}


def _call(name: str):
    def parse(self) -> exp.Expression:
        args: list[exp.Expression] = []
        if name in DATEPART_FIRST and not self._match(TokenType.R_PAREN, advance=False):
            tok = self._curr
            self._advance()
            args.append(exp.Var(this=tok.text.strip("'\"[]").upper()))
            if self._match(TokenType.COMMA):
                args.extend(self._parse_csv(self._parse_assignment))
        else:
            args = self._parse_csv(self._parse_assignment)
        node = self.expression(TsqlCall(this=name, expressions=args))
        node.meta["tsql_call"] = True
        return node

    return parse


STATEMENT_PARSERS: dict = {}
FUNCTION_PARSERS: dict = {name: _call(name) for name in sorted(KEPT)}
PROPERTY_PARSERS: dict = {}


class ParserMixin:
    pass
