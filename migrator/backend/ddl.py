"""Generator overrides for DDL (CREATE TABLE, columns, constraints, indexes, ALTER TABLE ...).

Rules decide *what* the Oracle DDL is (types, identity, dropped storage options, notes);
this module only decides *how* it is spelled in Oracle 19c.
"""

from __future__ import annotations

from sqlglot import exp

from migrator.frontend.parse_ddl import (AliasTypeDef, AlterConstraintState, AlterDefault, ClrObject,
                                         CreateSynonym, TableTypeDef)


def _unsupported(what: str):
    def gen(self, e):
        self.unsupported(f"{what} has no Oracle form")
        return ""
    return gen


TRANSFORMS: dict = {
    CreateSynonym: lambda self, e: self.createsynonym_sql(e),
    AlterConstraintState: lambda self, e: self.alterconstraintstate_sql(e),
    AlterDefault: lambda self, e: self.alterdefault_sql(e),
    AliasTypeDef: _unsupported("CREATE TYPE ... FROM"),
    TableTypeDef: _unsupported("CREATE TYPE ... AS TABLE"),
    ClrObject: _unsupported("a CLR object"),
}

_KEY_PARENTS = (exp.IndexParameters, exp.PrimaryKey, exp.UniqueColumnConstraint, exp.Schema)


class DDLMixin:
    def columndef_sql(self, expression: exp.ColumnDef, sep: str = " ") -> str:
        # Oracle: name type [DEFAULT expr] [GENERATED ... IDENTITY] [constraints]
        cons = list(expression.args.get("constraints") or [])

        def rank(c):
            k = c.args.get("kind")
            if isinstance(k, exp.DefaultColumnConstraint):
                return 0
            if isinstance(k, (exp.GeneratedAsIdentityColumnConstraint, exp.ComputedColumnConstraint)):
                return 1
            return 2

        ordered = sorted(cons, key=rank)
        if ordered != cons:
            expression = expression.copy()
            expression.set("constraints", [c.copy() for c in ordered])
        return super().columndef_sql(expression, sep)

    def oracleraw_sql(self, expression) -> str:
        return expression.text("this")

    # -- short parenthesised expressions stay on one line (stock pretty output breaks every one)
    def paren_sql(self, expression: exp.Paren) -> str:
        inner = self.sql(expression, "this")
        if "\n" not in inner and len(inner) <= 80:
            return f"({inner})"
        return super().paren_sql(expression)

    def not_sql(self, expression: exp.Not) -> str:
        inner = expression.this
        if isinstance(inner, exp.Is) and isinstance(inner.expression, exp.Null):
            return f"{self.sql(inner, 'this')} IS NOT NULL"
        return super().not_sql(expression)

    # -- key column lists: no NULLS FIRST/LAST noise, DESC kept --------------------------
    def ordered_sql(self, expression: exp.Ordered) -> str:
        if isinstance(expression.parent, _KEY_PARENTS):
            return self.sql(expression, "this") + (" DESC" if expression.args.get("desc") else "")
        return super().ordered_sql(expression)

    def reference_sql(self, expression: exp.Reference) -> str:
        target = expression.this
        if isinstance(target, exp.Schema):
            cols = ", ".join(self.sql(c) for c in target.expressions)
            text = f"REFERENCES {self.sql(target, 'this')} ({cols})" if cols else f"REFERENCES {self.sql(target, 'this')}"
        else:
            text = f"REFERENCES {self.sql(target)}"
        options = " ".join(expression.args.get("options") or [])
        return f"{text} {options}" if options else text

    def computedcolumnconstraint_sql(self, expression: exp.ComputedColumnConstraint) -> str:
        inner = expression.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        return f"GENERATED ALWAYS AS ({self.sql(inner)}) VIRTUAL"

    def uniquecolumnconstraint_sql(self, expression: exp.UniqueColumnConstraint) -> str:
        target = expression.this
        if isinstance(target, exp.Schema) and target.this is None:
            return "UNIQUE (" + ", ".join(self.sql(c) for c in target.expressions) + ")"
        return "UNIQUE" if target is None else f"UNIQUE {self.sql(target)}"

    def generatedasidentitycolumnconstraint_sql(self, expression) -> str:
        kind = "ALWAYS" if expression.this else "BY DEFAULT"
        opts = []
        start, inc = expression.args.get("start"), expression.args.get("increment")
        if all(isinstance(x, exp.Literal) and x.this == "1" for x in (start, inc)):
            start = inc = None  # Oracle's defaults: print the compact form
        if start is not None:
            opts.append(f"START WITH {self.sql(expression, 'start')}")
        if inc is not None:
            opts.append(f"INCREMENT BY {self.sql(expression, 'increment')}")
        return f"GENERATED {kind} AS IDENTITY" + (f" ({' '.join(opts)})" if opts else "")

    # -- ALTER TABLE ----------------------------------------------------------------------
    def alter_sql(self, expression: exp.Alter) -> str:
        if (expression.args.get("kind") or "").upper() != "TABLE":
            return super().alter_sql(expression)
        table = self.sql(expression, "this")
        parts = []
        add_cols = [a for a in expression.args.get("actions") or [] if isinstance(a, exp.ColumnDef)]
        if add_cols:
            parts.append("ADD (" + ", ".join(self.sql(c) for c in add_cols) + ")")
        suffix = " ENABLE NOVALIDATE" if expression.meta.get("tsql_check") == "NOCHECK" else ""
        for action in expression.args.get("actions") or []:
            if isinstance(action, exp.ColumnDef):
                continue
            if isinstance(action, exp.AddConstraint):
                for c in action.expressions:
                    parts.append(f"ADD {self.sql(c)}{suffix}")
            elif isinstance(action, exp.AlterColumn):
                if action.args.get("dtype") is None:
                    self.unsupported("ALTER COLUMN without a data type")
                    continue
                null = {True: " NULL", False: " NOT NULL"}.get(action.args.get("allow_null"), "")
                parts.append(f"MODIFY ({self.sql(action, 'this')} {self.sql(action, 'dtype')}{null})")
            elif isinstance(action, exp.Drop):
                kind = (action.args.get("kind") or "").upper()
                names = [self.sql(t) for t in action.args.get("tables") or []]
                if kind == "COLUMN":
                    parts.append(f"DROP COLUMN {names[0]}" if len(names) == 1 else f"DROP ({', '.join(names)})")
                elif kind == "CONSTRAINT":
                    parts.extend(f"DROP CONSTRAINT {n}" for n in names)
                else:
                    self.unsupported(f"ALTER TABLE DROP {kind}")
            else:
                self.unsupported(f"ALTER TABLE action {action.key}")
        return f"ALTER TABLE {table} " + " ".join(parts)

    def alterconstraintstate_sql(self, expression: AlterConstraintState) -> str:
        word = "ENABLE" if expression.args.get("enable") else "DISABLE"
        if expression.args.get("enable"):
            word += " VALIDATE" if expression.meta.get("validate") else " NOVALIDATE"
        cons = " ".join(f"{word} CONSTRAINT {self.sql(c)}" for c in expression.expressions)
        return f"ALTER TABLE {self.sql(expression, 'this')} {cons}"

    def alterdefault_sql(self, expression: AlterDefault) -> str:
        return (f"ALTER TABLE {self.sql(expression, 'this')} MODIFY ({self.sql(expression, 'column')} "
                f"DEFAULT {self.sql(expression, 'default')})")

    def createsynonym_sql(self, expression: CreateSynonym) -> str:
        return f"CREATE OR REPLACE SYNONYM {self.sql(expression, 'this')} FOR {self.sql(expression, 'expression')}"

    # -- DROP -----------------------------------------------------------------------------
    DROP_ERRORS = {"TABLE": -942, "VIEW": -942, "SEQUENCE": -2289, "PROCEDURE": -4043, "FUNCTION": -4043,
                   "TYPE": -4043, "SYNONYM": -1434, "TRIGGER": -4080, "INDEX": -1418}

    def drop_sql(self, expression: exp.Drop) -> str:
        kind = (expression.args.get("kind") or "").upper()
        if kind not in self.DROP_ERRORS or isinstance(expression.parent, exp.Alter):
            return super().drop_sql(expression)
        stmts = [f"DROP {kind} {self.sql(t)}" for t in expression.args.get("tables") or []]
        if not expression.args.get("exists"):
            return ";\n".join(stmts)
        code = self.DROP_ERRORS[kind]
        blocks = [f"BEGIN\n  EXECUTE IMMEDIATE '{s}';\nEXCEPTION\n  WHEN OTHERS THEN\n    IF SQLCODE != {code} THEN\n"
                  f"      RAISE;\n    END IF;\nEND" for s in stmts]
        return ";\n/\n".join(blocks)
