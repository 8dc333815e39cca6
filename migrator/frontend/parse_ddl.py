"""Parser extensions for T-SQL DDL syntax stock sqlglot does not read (mixed into MigrateTSQL.Parser).

- ``CREATE TYPE x FROM base [NOT NULL]`` and ``EXEC sp_addtype x, 'base', 'NOT NULL'`` → ``AliasTypeDef``
- ``CREATE TYPE x AS TABLE (...)`` → ``TableTypeDef``
- ``CREATE TYPE x EXTERNAL NAME ...`` / ``CREATE ASSEMBLY`` → ``ClrObject``
- ``CREATE SYNONYM s FOR obj`` → ``CreateSynonym``
- ``ALTER TABLE t [WITH CHECK|NOCHECK] CHECK|NOCHECK CONSTRAINT x|ALL`` → ``AlterConstraintState``
- ``ALTER TABLE t WITH NOCHECK ADD ...`` → ``exp.Alter`` with ``meta["tsql_check"]``
- ``ALTER TABLE t ADD [CONSTRAINT n] DEFAULT expr FOR col`` → ``AlterDefault``
- ``DROP TYPE x`` → ``exp.Drop(kind="TYPE")``
- storage clauses: ``TEXTIMAGE_ON fg``, constraint ``WITH (...)``, ``ON fg``, ``NOT FOR REPLICATION``
  (kept in ``meta`` so rules can report what they drop).
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.tokens import TokenType

STATEMENT_PARSERS: dict = {}
FUNCTION_PARSERS: dict = {}
PROPERTY_PARSERS: dict = {
    "TEXTIMAGE_ON": lambda self: self.expression(
        exp.Property(this=exp.Var(this="TEXTIMAGE_ON"), value=self._parse_field())),
    "FILESTREAM_ON": lambda self: self.expression(
        exp.Property(this=exp.Var(this="FILESTREAM_ON"), value=self._parse_field())),
}


# --- node classes ---------------------------------------------------------------------

class AliasTypeDef(exp.Expression):
    """CREATE TYPE name FROM base [NULL | NOT NULL] (also EXEC sp_addtype)."""

    arg_types = {"this": True, "kind": True, "nullable": False, "base_sql": False}

    def catalog_entry(self, catalog) -> None:
        name = self.this.name
        catalog.alias_types[name.casefold()] = {"name": name, "base": self.text("base_sql"),
                                                "nullable": self.args.get("nullable") is not False}
        catalog.names.add(name)


class TableTypeDef(exp.Expression):
    """CREATE TYPE name AS TABLE (column definitions)."""

    arg_types = {"this": True, "expressions": True}

    def catalog_entry(self, catalog) -> None:
        name = self.this.name
        cols = {}
        for cdef in self.expressions:
            if isinstance(cdef, exp.ColumnDef):
                kind = cdef.args.get("kind")
                cols[cdef.name.casefold()] = {"name": cdef.name,
                                              "type": kind.sql(dialect="tsql") if kind is not None else None}
                catalog.names.add(cdef.name)
        catalog.table_types[name.casefold()] = {"name": name, "columns": cols}
        catalog.names.add(name)


class ClrObject(exp.Expression):
    """A CLR object: CREATE TYPE ... EXTERNAL NAME, CREATE ASSEMBLY."""

    arg_types = {"this": True, "kind": True}


class CreateSynonym(exp.Expression):
    arg_types = {"this": True, "expression": True, "replace": False}


class AlterConstraintState(exp.Expression):
    """ALTER TABLE t CHECK|NOCHECK CONSTRAINT names|ALL."""

    arg_types = {"this": True, "expressions": True, "enable": True}


class AlterDefault(exp.Expression):
    """ALTER TABLE t ADD [CONSTRAINT n] DEFAULT expr FOR column."""

    arg_types = {"this": True, "constraint": False, "default": True, "column": True}


def _skip_wrapped(parser) -> str:
    """Consume a balanced ( ... ) and return its source text."""
    start = parser._curr
    depth = 0
    while parser._curr:
        if parser._curr.token_type == TokenType.L_PAREN:
            depth += 1
        elif parser._curr.token_type == TokenType.R_PAREN:
            depth -= 1
        parser._advance()
        if depth == 0:
            break
    return parser.sql[start.start:parser._prev.end + 1] if start else ""


class ParserMixin:
    # -- CREATE TYPE / SYNONYM / ASSEMBLY ----------------------------------------------
    def _parse_create(self):
        start = self._prev
        index = self._index
        word = self._curr.text.upper() if self._curr and self._curr.token_type != TokenType.IDENTIFIER else ""
        if word == "TYPE":
            self._advance()
            node = self._parse_create_type()
            if node is not None and not self._curr:
                return node
        elif word == "SYNONYM":
            self._advance()
            name = self._parse_table_parts(schema=True)
            if self._match(TokenType.FOR):
                target = self._parse_table_parts()
                if not self._curr:
                    return self.expression(CreateSynonym(this=name, expression=target))
        elif word == "ASSEMBLY":
            self._advance()
            name = self._parse_id_var()
            while self._curr:
                self._advance()
            return self.expression(ClrObject(this=name, kind="ASSEMBLY"))
        self._retreat(index)
        self._prev = start
        return super()._parse_create()

    def _parse_create_type(self):
        name = self._parse_table_parts(schema=True)
        if self._match(TokenType.FROM):
            start = self._curr
            kind = self._parse_types(check_func=False, schema=True, allow_identifiers=True)
            if kind is None:
                return None
            base_sql = self.sql[start.start:self._prev.end + 1]
            nullable = None
            if self._match_pair(TokenType.NOT, TokenType.NULL):
                nullable = False
            elif self._match(TokenType.NULL):
                nullable = True
            return self.expression(AliasTypeDef(this=name, kind=kind, nullable=nullable, base_sql=base_sql))
        if self._match_text_seq("AS", "TABLE"):
            schema = self._parse_schema()
            if not isinstance(schema, exp.Schema):
                return None
            return self.expression(TableTypeDef(this=name, expressions=schema.expressions))
        if self._match_text_seq("EXTERNAL", "NAME"):
            while self._curr:
                self._advance()
            return self.expression(ClrObject(this=name, kind="TYPE"))
        return None

    # -- EXEC sp_addtype ----------------------------------------------------------------
    def _parse_execute(self):
        node = super()._parse_execute()
        if isinstance(node, exp.Execute) and node.name.lower() == "sp_addtype":
            args = [a.expression if isinstance(a, exp.EQ) else a for a in node.expressions]
            if 2 <= len(args) <= 3 and all(isinstance(a, (exp.Literal, exp.Column, exp.Identifier, exp.Var))
                                           for a in args):
                from sqlglot.errors import ParseError

                name, base = args[0].name, args[1].name
                try:
                    kind = exp.DataType.build(base, dialect=self.dialect)
                except (ParseError, ValueError):
                    return node
                null = args[2].name.upper().split() if len(args) == 3 else []
                nullable = False if null == ["NOT", "NULL"] else (True if null == ["NULL"] else None)
                return self.expression(AliasTypeDef(this=exp.to_table(name), kind=kind, nullable=nullable,
                                                    base_sql=base))
        return node

    # -- ALTER TABLE forms ----------------------------------------------------------------
    def _parse_alter(self):
        start = self._prev
        index = self._index
        if self._match(TokenType.TABLE):
            table = self._parse_table_parts(schema=True)
            check = None
            if self._match_text_seq("WITH", "NOCHECK"):
                check = "NOCHECK"
            elif self._match_text_seq("WITH", "CHECK"):
                check = "CHECK"
            if self._match_texts(("CHECK", "NOCHECK")):
                enable = self._prev.text.upper() == "CHECK"
                if self._match(TokenType.CONSTRAINT):
                    names = self._parse_csv(lambda: self._parse_id_var(any_token=True))
                    if not self._curr:
                        node = self.expression(AlterConstraintState(this=table, expressions=names, enable=enable))
                        node.meta["validate"] = check == "CHECK"
                        return node
            else:
                node = self._parse_alter_default(table)
                if node is not None:
                    return node
                if check and self._match_text_seq("ADD"):
                    actions = self._parse_alter_table_add()
                    actions = actions if isinstance(actions, list) else [actions]
                    if not self._curr and actions and all(a is not None for a in actions):
                        alter = self.expression(exp.Alter(this=table, kind="TABLE", actions=actions))
                        alter.meta["tsql_check"] = check
                        return alter
        self._retreat(index)
        self._prev = start
        return super()._parse_alter()

    def _parse_alter_default(self, table):
        index = self._index
        if not self._match_text_seq("ADD"):
            return None
        name = None
        if self._match(TokenType.CONSTRAINT):
            name = self._parse_id_var()
        if self._match(TokenType.DEFAULT):
            default = self._parse_bitwise()
            if self._match(TokenType.FOR):
                column = self._parse_id_var()
                if not self._curr:
                    return self.expression(AlterDefault(this=table, constraint=name, default=default, column=column))
        self._retreat(index)
        return None

    # -- DROP TYPE ------------------------------------------------------------------------
    def _parse_drop(self, exists: bool = False, kind=None):
        index = self._index
        if self._curr and self._curr.text.upper() == "TYPE" and self._curr.token_type != TokenType.IDENTIFIER:
            self._advance()
            if_exists = self._match_text_seq("IF", "EXISTS")
            name = self._parse_table_parts(schema=True)
            if not self._curr:
                return self.expression(exp.Drop(kind="TYPE", exists=bool(if_exists), tables=[name]))
            self._retreat(index)
        return super()._parse_drop(exists=exists, kind=kind)

    # -- constraint storage clauses ------------------------------------------------------
    def _parse_check_constraint(self):
        nfr = self._match_text_seq("NOT", "FOR", "REPLICATION")
        node = super()._parse_check_constraint()
        if node is not None and nfr:
            node.meta["not_for_replication"] = True
        return node

    def _parse_unnamed_constraint(self, constraints=None):
        node = super()._parse_unnamed_constraint(constraints)
        if node is not None:
            self._parse_tsql_constraint_tail(node)
        return node

    def _parse_column_constraint(self):
        node = super()._parse_column_constraint()
        if isinstance(node, exp.ColumnConstraint) and node.args.get("kind") is not None:
            self._parse_tsql_constraint_tail(node.args["kind"])
        return node

    def _parse_tsql_constraint_tail(self, node) -> None:
        """WITH (index options), ON filegroup, NOT FOR REPLICATION after a constraint."""
        while self._curr:
            if self._match_text_seq("NOT", "FOR", "REPLICATION"):
                node.meta["not_for_replication"] = True
            elif self._curr.token_type == TokenType.WITH and self._next and \
                    self._next.token_type == TokenType.L_PAREN:
                self._advance()
                node.meta.setdefault("tsql_storage", []).append("WITH " + _skip_wrapped(self))
            elif self._curr.token_type == TokenType.ON and self._next and \
                    self._next.token_type not in (TokenType.DELETE, TokenType.UPDATE):
                self._advance()
                fg = self._parse_field()
                node.meta.setdefault("tsql_storage", []).append(f"ON {fg.sql(dialect='tsql') if fg else ''}")
            else:
                break

    def _parse_index_params(self):
        params = super()._parse_index_params()
        # T-SQL order: [INCLUDE (...)] [WHERE ...] [WITH (...)] [ON filegroup]
        if self._curr and self._curr.token_type == TokenType.WITH and self._next and \
                self._next.token_type == TokenType.L_PAREN:
            self._advance()
            params.set("with_storage", self._parse_wrapped_properties())
            if self._match(TokenType.ON):
                params.set("on", self._parse_field())
        return params
