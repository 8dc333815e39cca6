"""Generator overrides for DDL (CREATE TABLE, columns, constraints, indexes ...)."""

from __future__ import annotations

from sqlglot import exp

TRANSFORMS: dict = {}


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
