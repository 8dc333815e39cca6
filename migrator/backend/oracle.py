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


def generate(tree: exp.Expression, pretty: bool = True, copy: bool = True) -> str:
    """Oracle text of a converted tree (after the guard). ``copy=False`` when the caller will
    not use the tree again: sqlglot's generator may change a tree while printing it, and its
    defensive copy costs about a tenth of a conversion."""
    guard(tree)
    gen = TARGET.generator(pretty=pretty, unsupported_level=ErrorLevel.IGNORE, comments=True, indent=2)
    sql = gen.generate(tree, copy=copy)
    if gen.unsupported_messages:
        raise Unconvertible("TS0901", "no Oracle form for: " + "; ".join(dict.fromkeys(gen.unsupported_messages)))
    return sql


# --- the guard ---------------------------------------------------------------------

# Node classes whose stock generation is T-SQL/other-dialect syntax, never Oracle (list: backend/functions.py).
FORBIDDEN = functions.FORBIDDEN


def guard(tree: exp.Expression) -> None:
    """Refuse the first bad node in breadth-first order (``tree.walk()``'s order, unrolled:
    the guard sees every node of every statement, so the walk is kept cheap: each node class
    gets its checks once, and most classes have none)."""
    Expression = exp.Expression
    checks = _GUARD
    order = [tree]
    i = 0
    while i < len(order):
        node = order[i]
        i += 1
        check = checks.get(type(node))
        if check is None:
            check = checks[type(node)] = _guard_for(type(node))
        if check is not _no_check:
            bad = check(node)
            if bad:
                raise Unconvertible("TS0900", f"no Oracle 19c form for {bad}")
        for vs in node.args.values():
            if isinstance(vs, list):
                for v in vs:
                    if isinstance(v, Expression):
                        order.append(v)
            elif isinstance(vs, Expression):
                order.append(vs)


def _bad(node: exp.Expression) -> str | None:
    """Why the guard refuses this node, or None."""
    what = functions.bad_function(node)
    if what:
        return what
    return _check_for(type(node))(node)


def _no_check(node: exp.Expression) -> None:
    return None


def _anonymous(node: exp.Anonymous) -> str | None:
    name = node.name.upper()
    if name not in functions.ORACLE_FUNCTIONS and not node.meta.get("oracle_ok"):
        return f"function {node.name}()"
    return None


def _data_type(node: exp.DataType) -> str | None:
    if isinstance(node, OracleType):
        return None
    parent = node.parent
    if not node.meta.get("oracle_ok") and not (parent is not None and isinstance(parent, exp.DataType)):
        return f"type {node.sql(dialect='tsql')}"
    return None


def _variable(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Parameter) or (isinstance(node, exp.Var) and node.name.startswith("@")):
        return f"variable {node.sql(dialect='tsql')}"
    return None


def _not_oracle(node: exp.Expression) -> str | None:
    """Nodes sqlglot reads from T-SQL that Oracle has no syntax for (printed, they look valid)."""
    return _NOT_ORACLE_NODES[type(node)]


# node class -> what to call it when refused
_NOT_ORACLE_NODES = {exp.AutoIncrementColumnConstraint: "IDENTITY column without Oracle identity syntax"}


def _identifier(node: exp.Identifier) -> str | None:
    if node.name.startswith("#") or node.args.get("temporary") or node.args.get("global_"):
        return f"temporary table #{node.name}"
    return None


_GUARD: dict[type, object] = {}  # node class -> all its guard checks (``_guard_for``)


def _guard_for(cls: type):
    """``functions.bad_function`` (where it can refuse this class) then the class's own checks."""
    own = _check_for(cls)
    if not functions.may_be_bad(cls):
        return own
    bad_function = functions.bad_function
    if own is _no_check:
        return bad_function

    def both(node):
        return bad_function(node) or own(node)

    return both


def _check_for(cls: type):
    """The guard's own checks (besides ``functions.bad_function``) that apply to a node class."""
    checks = [fn for base, fn in ((exp.Anonymous, _anonymous), (exp.DataType, _data_type),
                                  ((exp.Parameter, exp.Var), _variable), (exp.Identifier, _identifier),
                                  (tuple(_NOT_ORACLE_NODES), _not_oracle))
              if issubclass(cls, base)]
    if not checks:
        return _no_check
    if len(checks) == 1:
        return checks[0]

    def all_checks(node):
        for fn in checks:
            bad = fn(node)
            if bad:
                return bad
        return None

    return all_checks
