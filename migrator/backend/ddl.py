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
        return f"GENERATED ALWAYS AS ({self.sql(expression, 'this')}) VIRTUAL"

    def generatedasidentitycolumnconstraint_sql(self, expression) -> str:
        kind = "ALWAYS" if expression.this else "BY DEFAULT"
        opts = []
        if expression.args.get("start") is not None:
            opts.append(f"START WITH {self.sql(expression, 'start')}")
        if expression.args.get("increment") is not None:
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
    def drop_sql(self, expression: exp.Drop) -> str:
        if expression.args.get("cluster") is not None and (expression.args.get("kind") or "").upper() == "INDEX":
            expression = expression.copy()
            expression.set("cluster", None)
        return super().drop_sql(expression)
