"""SQL statements inside PL/SQL: result sets, SELECT assignment, DML (and what DML needs:
``@@ROWCOUNT`` capture, ``RETURNING … INTO``, ``UPDATE … SET @v = col``)."""

from __future__ import annotations

from sqlglot import exp

from migrator.plsql.statements import IND, _indent, _is_var, _pad, _parse, _var
from migrator.rulebook import Unconvertible


# --- SELECT: assignment or result set ----------------------------------------------------

def select(conv, node, depth):
    tree = _parse(conv, node)
    pad = _pad(depth)
    query = tree
    sel = tree if isinstance(tree, exp.Select) else None
    if sel is not None and sel.expressions and all(isinstance(e, exp.EQ) and _is_var(e.this)
                                                   for e in sel.expressions):
        return select_assign(conv, sel, depth)
    if sel is not None and sel.args.get("into") is not None:
        raise Unconvertible("TS0670", "SELECT … INTO a table inside a routine: temp tables are not converted yet"
                            if _temp_into(sel) else "SELECT … INTO a new table inside a routine (DDL in a body)")
    if conv.is_function:
        raise Unconvertible("TS0600", "a function cannot return a result set")
    conv.scope.result_sets += 1
    n = conv.scope.result_sets
    strategy = getattr(conv.project.config, "result_sets", "implicit")
    text = conv.sql(query)
    if strategy == "refcursor":
        cur = f"p_result_set{n}"
        conv.extra_params.append(f"{cur} OUT SYS_REFCURSOR")
        conv.ctx.fixed("TS0635", None, f"result set {n} → OUT SYS_REFCURSOR parameter {cur.upper()}")
        return f"{pad}OPEN {cur} FOR\n{_indent(text, pad + IND)};\n"
    cur = f"v_result_set{n}"
    conv.scope.declarations.append(f"{cur} SYS_REFCURSOR;")
    conv.ctx.fixed("TS0635", None, f"result set {n} returned with DBMS_SQL.RETURN_RESULT (implicit result)")
    return f"{pad}OPEN {cur} FOR\n{_indent(text, pad + IND)};\n{pad}DBMS_SQL.RETURN_RESULT({cur});\n"


def _temp_into(sel) -> bool:
    into = sel.args.get("into")
    t = into.this if into is not None else None
    ident = t.this if isinstance(t, exp.Table) else None
    return bool(ident is not None and (ident.args.get("temporary") or ident.args.get("global_")))


_AGGS = (exp.AggFunc,)


def select_assign(conv, sel: exp.Select, depth: int) -> str:
    """``SELECT @a = x, @b = y FROM ...`` keeps T-SQL semantics: no row leaves the variables
    unchanged, several rows leave the last row's values."""
    pad = _pad(depth)
    targets = [_var(conv, e.this.this.name) for e in sel.expressions]
    values = [e.expression for e in sel.expressions]
    if not sel.args.get("from_") and not sel.args.get("from"):
        return "".join(assign(conv, t, v, depth) for t, v in zip(targets, values))
    assigned = {e.this.this.name.casefold() for e in sel.expressions}
    for v in values:
        for p in v.find_all(exp.Parameter):
            if isinstance(p.this, exp.Var) and p.this.name.casefold() in assigned:
                raise Unconvertible("TS0610", "SELECT @v = expression over @v across rows (running assignment): "
                                              "rewrite with LISTAGG or a loop by hand")
    body = sel.copy()
    body.set("expressions", [v.copy() for v in values])
    aggregate_only = all(v.find(*_AGGS) is not None for v in values) and not sel.args.get("group") \
        and not sel.args.get("having")
    if aggregate_only:  # exactly one row
        return _indent(conv.sql(body, into=targets) + ";", pad) + "\n"
    limit = sel.args.get("limit")
    one_row = isinstance(limit, (exp.Limit, exp.Fetch)) and (limit.expression or limit.args.get("count")) is not None \
        and str((limit.expression or limit.args.get("count")).name) == "1"
    if one_row:
        q = conv.sql(body, into=targets)
        return (f"{pad}BEGIN\n{_indent(q + ';', pad + IND)}\n{pad}EXCEPTION\n{pad}{IND}WHEN NO_DATA_FOUND THEN\n"
                f"{pad}{IND}{IND}NULL; -- T-SQL keeps the variables' values when no row matches\n{pad}END;\n")
    body.set("expressions", [exp.alias_(v.copy(), f"c{i + 1}") for i, v in enumerate(values)])
    conv.scope.temp_counter += 1
    rec = f"r{conv.scope.temp_counter}"
    q = conv.sql(body)
    sets = "".join(f"{pad}{IND}{t} := {rec}.c{i + 1};\n" for i, t in enumerate(targets))
    conv.ctx.fixed("TS0610", None, "SELECT @v = … FROM … → cursor FOR loop (no row: unchanged; several: last)")
    return f"{pad}FOR {rec} IN (\n{_indent(q, pad + IND)}\n{pad}) LOOP\n{sets}{pad}END LOOP;\n"


# --- DML and other SQL ---------------------------------------------------------------

def sql_statement(conv, node, depth):
    tree = _parse(conv, node)
    pad = _pad(depth)
    if isinstance(tree, (exp.Create, exp.Drop, exp.Alter, exp.TruncateTable)) or node.keyword in {"CREATE", "DROP",
                                                                                                 "ALTER"}:
        if _mentions_temp(tree):
            raise Unconvertible("TS0670", "temp tables are not converted yet")
        if isinstance(tree, exp.TruncateTable) or node.keyword == "TRUNCATE":
            text = conv.sql(tree).replace("'", "''")
            conv.ctx.note("TS0670", None, "TRUNCATE inside PL/SQL runs as dynamic SQL and commits the transaction")
            return f"{pad}EXECUTE IMMEDIATE '{text}';\n"
        raise Unconvertible("TS0670", "DDL inside a routine body (never static SQL in PL/SQL): convert the object "
                                      "separately or use EXECUTE IMMEDIATE by hand")
    if isinstance(tree, exp.Select) or isinstance(tree, (exp.Union, exp.Except, exp.Intersect)):
        return select(conv, node, depth)
    if isinstance(tree, exp.Update):
        for e in tree.expressions:
            if isinstance(e, exp.EQ) and _is_var(e.this):
                raise Unconvertible("TS0610", "UPDATE … SET @variable = column is not converted yet")
    text = conv.sql(tree)
    out = _indent(text + ";", pad) + "\n"
    if conv.scope.uses_rowcount:
        out += f"{pad}v_rowcount := SQL%ROWCOUNT;\n"
    return out


def _mentions_temp(tree) -> bool:
    return any(i.args.get("temporary") or i.args.get("global_") for i in tree.find_all(exp.Identifier))
