"""Table-valued functions become pipelined functions; calls in FROM become TABLE(fn(...)).

Inline TVF, T-SQL → Oracle::

    CREATE FUNCTION dbo.OrdersOf(@c int) RETURNS TABLE AS
    RETURN SELECT OrderID, Amount FROM Orders WHERE CustID = @c

    -- setup script (migration-setup.sql):
    CREATE OR REPLACE TYPE ORDERSOF_ROW AS OBJECT (ORDERID NUMBER(10), AMOUNT NUMBER(19,4));
    CREATE OR REPLACE TYPE ORDERSOF_TAB AS TABLE OF ORDERSOF_ROW;
    -- the function:
    CREATE OR REPLACE FUNCTION ORDERSOF (p_c IN NUMBER) RETURN ORDERSOF_TAB PIPELINED AS
    BEGIN
      FOR r IN (SELECT ORDERID, AMOUNT FROM ORDERS WHERE CUSTID = p_c) LOOP
        PIPE ROW (ORDERSOF_ROW(r.ORDERID, r.AMOUNT));
      END LOOP;
      RETURN;
    END ORDERSOF;

Callers: ``SELECT * FROM dbo.OrdersOf(1) o`` → ``SELECT * FROM TABLE(ORDERSOF(1)) o`` (also
in ``CROSS APPLY``), for functions the catalog knows as table-valued (kind ``tvf``).

Row types: each column's type comes from its ``CAST``/``CONVERT`` target, the catalog
column it selects, a parameter's declared type, a literal (``'abc'`` is ``varchar(3)``),
string concatenation (lengths added) or ``CASE`` branches; numeric and date expressions
whose exact type is not known get ``NUMBER`` / ``TIMESTAMP`` (both hold every value of the
family). A string or other column whose type cannot be known makes the function a TODO:
a guessed width would truncate or fail at run time.

Multi-statement TVF (``RETURNS @t TABLE (...) AS BEGIN ... INSERT @t ... RETURN END``):
the declared columns give the row type. When the body only inserts into ``@t``, every
insert pipes its rows at once (``PIPE ROW``: ``INSERT … VALUES`` one object,
``INSERT … SELECT`` a cursor FOR loop); columns not inserted get their ``DEFAULT`` or
NULL. When the body also reads ``@t``, rows are collected in a local collection
(``v_result``), reads become ``TABLE(v_result)``, and ``RETURN`` pipes the collection.
``UPDATE``/``DELETE`` of ``@t``, IDENTITY or computed columns in ``@t``: TODO.

Why: Oracle has no table-valued functions; a pipelined table function is the standard
equivalent and is queried with ``TABLE()`` like a table. Differences: the query inside
runs as a separate cursor (not merged into the caller's plan as an inline TVF is), and
constraints declared on ``@t`` are not enforced.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0655", "procedural.table_functions", "procedural", __doc__)


def _tvf(ctx, name: str) -> bool:
    routines = getattr(getattr(ctx, "catalog", None), "routines", None) or {}
    info = routines.get(name.strip('[]"').casefold())
    return bool(info) and info.get("kind") == "tvf"


def is_tvf_call(call, ctx) -> bool:
    """``fn(...)`` or ``schema.fn(...)`` of a project table-valued function."""
    fn = call.expression if isinstance(call, exp.Dot) and isinstance(call.this, exp.Identifier) else call
    return isinstance(fn, exp.Anonymous) and _tvf(ctx, str(fn.name))


def _mapped_call(call, ctx) -> exp.Expression:
    fn = call.expression if isinstance(call, exp.Dot) else call
    fn.set("this", ctx.names.name(str(fn.name).strip('[]"')))
    fn.meta["oracle_ok"] = True
    schema = ctx.names.schema(call.this.name.strip('[]"')) if isinstance(call, exp.Dot) else None
    if not schema:
        return fn
    ident = exp.Identifier(this=schema, quoted=False)
    ident.meta["mapped"] = True
    return exp.Dot(this=ident, expression=fn)


@transform(RULE, exp.Lateral)
def tvf_apply(node: exp.Lateral, ctx):
    """``CROSS APPLY dbo.fn(t.a) f`` → ``CROSS APPLY TABLE(FN(T.A)) F`` (19c cross_outer_apply_clause
    takes a collection expression)."""
    if node.args.get("cross_apply") is None or not is_tvf_call(node.this, ctx):
        return node
    fn = exp.Anonymous(this="TABLE", expressions=[_mapped_call(node.this, ctx)])
    fn.meta["oracle_ok"] = True
    node.set("this", fn)
    ctx.fixed(RULE, node, "table-valued function in APPLY called through TABLE()")
    return node


def _table_call(call: exp.Expression, alias) -> exp.Table:
    fn = exp.Anonymous(this="TABLE", expressions=[call])
    fn.meta["oracle_ok"] = True
    return exp.Table(this=fn, alias=alias)


@transform(RULE, exp.Table, order="pre")  # before TS0671 (table variables) sees @t
def tvf_call(node: exp.Table, ctx):
    """``FROM dbo.fn(args)`` → ``FROM TABLE(FN(args))``; ``FROM @t`` (the TVF's own collection)
    → ``FROM TABLE(v_result)``."""
    fn = node.this
    if isinstance(fn, exp.Parameter):
        coll = (getattr(ctx, "tvf_tables", None) or {}).get(fn.name.lstrip("@").casefold())
        if coll:
            return _table_call(exp.Var(this=coll), node.args.get("alias"))
        return node
    if not isinstance(fn, exp.Anonymous) or not _tvf(ctx, str(fn.name)):
        return node
    db = node.args.get("db")
    call = _mapped_call(exp.Dot(this=db, expression=fn) if isinstance(db, exp.Identifier) else fn, ctx)
    ctx.fixed(RULE, node, f"table-valued function {fn.name} called through TABLE()")
    return _table_call(call, node.args.get("alias"))
