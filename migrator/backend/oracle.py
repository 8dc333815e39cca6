"""Oracle 19c back end: a sqlglot generator we own, and a guard.

The generator is stock sqlglot's Oracle generator plus our overrides, spread in
from one module per concern (``ddl``, ``functions``, ``dml``) the way sqlglot
dialects spread their parent's tables. The guard walks a converted tree before
generation and refuses anything Oracle 19c does not have (a T-SQL function left
over, a non-Oracle type, a node the generator would print in another dialect's
syntax): the statement is then marked TODO instead of printed wrong.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.oracle import Oracle
from sqlglot.errors import ErrorLevel

from migrator.backend import ddl, dml, functions
from migrator.backend.nodes import OracleRaw, OracleType
from migrator.rulebook import Unconvertible


class OracleTarget(Oracle):
    class Generator(ddl.DDLMixin, functions.FunctionsMixin, dml.DMLMixin, Oracle.Generator):
        TRANSFORMS = {
            **Oracle.Generator.TRANSFORMS,
            **ddl.TRANSFORMS,
            **functions.TRANSFORMS,
            **dml.TRANSFORMS,
            # our own node classes are not in sqlglot's name registry: dispatch them explicitly
            OracleType: lambda self, e: e.text("this"),
            OracleRaw: lambda self, e: e.text("this"),
        }


TARGET = OracleTarget()


def generate(tree: exp.Expression, pretty: bool = True) -> str:
    guard(tree)
    gen = TARGET.generator(pretty=pretty, unsupported_level=ErrorLevel.IGNORE, comments=True, indent=2)
    sql = gen.generate(tree)
    if gen.unsupported_messages:
        raise Unconvertible("TS0901", "no Oracle form for: " + "; ".join(dict.fromkeys(gen.unsupported_messages)))
    return sql


# --- the guard ---------------------------------------------------------------------

# Node classes whose stock generation is T-SQL/other-dialect syntax, never Oracle (list: backend/functions.py).
FORBIDDEN = functions.FORBIDDEN


def guard(tree: exp.Expression) -> None:
    for node in tree.walk():
        bad = _bad(node)
        if bad:
            raise Unconvertible("TS0900", f"no Oracle 19c form for {bad}")


def _bad(node: exp.Expression) -> str | None:
    what = functions.bad_function(node)
    if what:
        return what
    if isinstance(node, exp.Anonymous):
        name = node.name.upper()
        if name not in functions.ORACLE_FUNCTIONS and not node.meta.get("oracle_ok"):
            return f"function {node.name}()"
    if isinstance(node, exp.DataType) and not isinstance(node, OracleType):
        parent = node.parent
        if not node.meta.get("oracle_ok") and not (parent is not None and isinstance(parent, exp.DataType)):
            return f"type {node.sql(dialect='tsql')}"
    if isinstance(node, exp.Parameter) or (isinstance(node, exp.Var) and node.name.startswith("@")):
        return f"variable {node.sql(dialect='tsql')}"
    if isinstance(node, exp.Identifier) and (node.name.startswith("#") or node.args.get("temporary")
                                             or node.args.get("global_")):
        return f"temporary table #{node.name}"
    return None
