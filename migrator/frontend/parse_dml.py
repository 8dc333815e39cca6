"""Parser extensions for T-SQL dml syntax stock sqlglot does not read (mixed into MigrateTSQL.Parser).

- ``CREATE VIEW v WITH SCHEMABINDING, VIEW_METADATA AS ...``: a comma list of view attributes
  (stock reads one and gives up on the statement).
- ``... WITH CHECK OPTION`` at the end of a view's query (a QueryOption in ``options``).
- ``DELETE TOP (n) [PERCENT] ...`` / ``UPDATE TOP (n) ...``: stock reads ``TOP`` as a table
  name (DELETE) or fails (UPDATE); we read it into ``meta["tsql_top"]`` for TS0419.
- ``DELETE [FROM] t FROM t JOIN u ...``: the second FROM is read into ``meta["tsql_from"]``.
- ``DELETE t WHERE ...`` (no FROM at all): stock reads ``t`` into ``tables`` and leaves ``this``
  False; we move it to ``this``.
- ``OUTPUT ... INTO schema.t (cols)``: stock reads one name part and no column list.
- ``WITH (SERIALIZABLE UPDLOCK)``: table hints need no commas between them (``[ , ]`` in the
  T-SQL grammar); stock requires them.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.tsql import TSQL
from sqlglot.tokens import TokenType

STATEMENT_PARSERS: dict = {}
FUNCTION_PARSERS: dict = {}
PROPERTY_PARSERS: dict = {}


def _parse_check_option(self):
    if self._match_text_seq("WITH", "CHECK", "OPTION"):
        node = exp.QueryOption(this=exp.var("WITH CHECK OPTION"))
        node.meta["check_option"] = True
        return "options", [node]
    return "options", None


_NAME_TOKENS = (TokenType.IDENTIFIER, TokenType.VAR)


class ParserMixin:
    def _parse_schema(self, this=None):
        # ``(name, name, ...)`` of plain names (an INSERT's column list): each is what the general
        # loop below would build for it after trying a constraint, a function, a type and column
        # constraints on it: the bare Identifier. Anything else takes the general loop.
        names = self._plain_name_list()
        if names is None:
            return super()._parse_schema(this)
        self._advance()  # (
        out = []
        for tok in names:
            self._advance()
            out.append(self._identifier_expression(tok, quoted=tok.token_type == TokenType.IDENTIFIER))
            self._advance()  # , or )
        return self.expression(exp.Schema(this=this, expressions=out))

    def _plain_name_list(self) -> list | None:
        if self._curr.token_type != TokenType.L_PAREN or self._curr.comments:
            return None
        tokens, size = self._tokens, self._tokens_size
        blocked = self.NO_PAREN_FUNCTION_PARSERS
        j, names = self._index + 1, []
        while j + 1 < size:
            tok, sep = tokens[j], tokens[j + 1]
            if tok.token_type not in _NAME_TOKENS or tok.comments or sep.comments or \
                    tok.token_type in self.NO_PAREN_FUNCTIONS:
                return None
            upper = tok.text.upper()
            if upper in blocked or upper in self.SCHEMA_UNNAMED_CONSTRAINTS:
                return None
            names.append(tok)
            if sep.token_type == TokenType.R_PAREN:
                return names
            if sep.token_type != TokenType.COMMA:
                return None
            j += 2
        return None

    # ``CREATE VIEW ... AS SELECT ... WITH CHECK OPTION``: a query modifier, kept in ``options``
    QUERY_MODIFIER_PARSERS = {**TSQL.Parser.QUERY_MODIFIER_PARSERS, TokenType.WITH: _parse_check_option}
    QUERY_MODIFIER_TOKENS = set(QUERY_MODIFIER_PARSERS)

    def _parse_with_property(self):
        node = super()._parse_with_property()
        if isinstance(node, exp.ViewAttributeProperty):
            out = [node]
            while self._match(TokenType.COMMA):
                if not self._match_texts(self.VIEW_ATTRIBUTES):
                    self.raise_error("expected a view attribute")
                out.append(self.expression(exp.ViewAttributeProperty(this=self._prev.text.upper())))
            return out if len(out) > 1 else node
        return node

    def _parse_dml_top(self) -> exp.Expression | None:
        if not (self._curr and self._curr.token_type != TokenType.STRING and self._curr.text.upper() == "TOP"):
            return None
        self._advance()
        count = self._parse_wrapped(self._parse_bitwise) if self._match(TokenType.L_PAREN, advance=False) \
            else self._parse_number()
        percent = self._match_text_seq("PERCENT")
        top = exp.Limit(expression=count, limit_options=exp.LimitOptions(percent=bool(percent)))
        return top

    def _parse_delete(self):
        top = self._parse_dml_top()
        hint = self._parse_hint()
        tables = None
        if not self._match(TokenType.FROM, advance=False):
            tables = self._parse_csv(self._parse_table) or None
        returning = self._parse_returning()
        this = self._match(TokenType.FROM) and self._parse_table(joins=True)
        returning = returning or self._parse_returning()  # T-SQL: DELETE FROM t OUTPUT ... WHERE
        node = self.expression(exp.Delete(hint=hint, tables=tables, this=this, where=self._parse_where(),
                                          returning=returning or self._parse_returning()))
        if isinstance(node, exp.Delete):
            tables = node.args.get("tables") or []
            if not isinstance(node.this, exp.Expression) and len(tables) == 1:
                node.set("this", tables[0])
                node.set("tables", None)
            if top is not None:
                node.meta["tsql_top"] = top
            if self._match(TokenType.FROM):
                node.meta["tsql_from"] = self._parse_table(joins=True)
                where = self._parse_where()
                if where is not None:
                    node.set("where", where)
        return node

    def _parse_table_hints(self):
        if not (self._curr and self._next and self._curr.token_type == TokenType.WITH
                and self._next.token_type == TokenType.L_PAREN):
            return super()._parse_table_hints()
        self._advance(2)
        items = []
        while self._curr and self._curr.token_type != TokenType.R_PAREN:
            item = self._parse_function() or self._parse_var(any_token=True)
            if item is None:
                break
            items.append(item)
            self._match(TokenType.COMMA)
        self._match_r_paren()
        return [self.expression(exp.WithTableHint(expressions=items))]

    def _parse_returning(self):
        if not self._match(TokenType.RETURNING):
            return None
        exprs = self._parse_csv(self._parse_expression)
        into = None
        if self._match(TokenType.INTO):
            into = self._parse_table_part() if self._curr and self._curr.text.startswith("@") \
                else self._parse_table(schema=True)
        return self.expression(exp.Returning(expressions=exprs, into=into))

    def _parse_update(self):
        top = self._parse_dml_top()
        node = super()._parse_update()
        if top is not None and isinstance(node, exp.Update):
            node.meta["tsql_top"] = top
        return node
