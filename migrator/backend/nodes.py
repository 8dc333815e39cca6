"""Node classes the back end adds to sqlglot's tree."""

from __future__ import annotations

from sqlglot import exp


class OracleType(exp.DataType):
    """An Oracle type spelled exactly (``NUMBER(10)``, ``RAW(16)``, ``NCLOB``).

    Type rules produce these; the guard rejects any other DataType left in a tree.
    """

    arg_types = {"this": True}

    @classmethod
    def of(cls, text: str) -> "OracleType":
        return cls(this=text)

    def is_type(self, *dtypes, check_nullable: bool = False) -> bool:  # noqa: ARG002
        return False


class OracleRaw(exp.Expression):
    """Oracle text produced by a rule that sqlglot has no node for; printed verbatim."""

    arg_types = {"this": True}
