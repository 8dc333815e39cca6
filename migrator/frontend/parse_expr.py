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


# An operand alone before ``,`` or ``)`` (VALUES rows, argument and column lists: most of a
# script's expressions) is what the whole precedence chain below ``_parse_expression`` returns
# for it: a literal is the node ``PRIMARY_PARSERS`` builds, a plain (dotted) name the column
# ``_parse_column`` builds (``_parse_atom``'s two cases), with nothing around it: no operator,
# alias, cast, column operator or adjacent string follows. Built directly, each skips a dozen
# calls. Tokens with comments, and names that could start a function, take the general path.
FAST_LITERALS = frozenset({TokenType.NUMBER, TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.NULL,
                           TokenType.HEX_STRING})
FAST_NAMES = frozenset({TokenType.VAR, TokenType.IDENTIFIER})
FAST_FOLLOWERS = frozenset({TokenType.COMMA, TokenType.R_PAREN})


class ParserMixin:
    def _fast_operand(self):
        tok = self._curr
        kind = tok.token_type
        if tok.comments:
            return None
        if kind in FAST_LITERALS:
            nxt = self._next
            if nxt.token_type not in FAST_FOLLOWERS:
                return None
            self._advance()
            return self.PRIMARY_PARSERS[kind](self, tok)
        if kind not in FAST_NAMES or tok.text.upper() in self.NO_PAREN_FUNCTION_PARSERS:
            return None
        tokens, size, j = self._tokens, self._tokens_size, self._index
        while j + 1 < size:  # name [. name ...] then , or )
            nxt = tokens[j + 1]
            if nxt.comments:
                return None
            if nxt.token_type in FAST_FOLLOWERS:
                return self._parse_column()
            if nxt.token_type != TokenType.DOT or j + 2 >= size:
                return None
            j += 2
            name = tokens[j]
            if name.token_type not in FAST_NAMES or name.comments:
                return None
        return None

    def _parse_expression(self):
        fast = self._fast_operand()
        return fast if fast is not None else super()._parse_expression()

    def _parse_assignment(self):
        fast = self._fast_operand()
        return fast if fast is not None else super()._parse_assignment()
