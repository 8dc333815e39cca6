"""Generator overrides for queries and DML (Oracle 19c spellings of what sqlglot prints otherwise)."""

from __future__ import annotations

from sqlglot import exp

TRANSFORMS: dict = {}


class DMLMixin:
    def lateral_sql(self, expression: exp.Lateral) -> str:
        # CROSS APPLY / OUTER APPLY exist in Oracle 12c+; stock prints "INNER JOIN LATERAL ... AS x"
        cross_apply = expression.args.get("cross_apply")
        if cross_apply is None:
            return super().lateral_sql(expression)
        op = "CROSS APPLY" if cross_apply else "OUTER APPLY"
        alias = expression.args.get("alias")
        alias_sql = f" {self.sql(alias)}" if alias is not None and alias.name else ""
        return f"{self.seg(op)} {self.sql(expression, 'this')}{alias_sql}"

    def join_sql(self, expression: exp.Join) -> str:
        this = expression.this
        if isinstance(this, exp.Lateral) and this.args.get("cross_apply") is not None \
                and not expression.args.get("on"):
            return self.sql(this)
        return super().join_sql(expression)

    def set_operation(self, expression: exp.SetOperation) -> str:
        sql = super().set_operation(expression)
        if isinstance(expression, exp.Except) and sql.startswith("EXCEPT"):
            return "MINUS" + sql[len("EXCEPT"):]
        return sql

    def options_modifier(self, expression: exp.Expression) -> str:
        options = expression.args.get("options") or []
        out = ""
        for opt in options:
            if isinstance(opt, exp.QueryOption) and opt.name.upper() == "WITH CHECK OPTION":
                out += self.seg("WITH CHECK OPTION")
            else:  # T-SQL OPTION (...) hints: TS0402 removes them; anything left has no Oracle form
                self.unsupported(f"query option {opt.sql(dialect='tsql')}")
        return out
