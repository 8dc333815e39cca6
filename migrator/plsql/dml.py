"""SQL statements inside PL/SQL: result sets, SELECT assignment, DML (and what DML needs:
``@@ROWCOUNT`` capture, ``RETURNING … INTO``, ``UPDATE … SET @v = col``)."""

from __future__ import annotations

from sqlglot import exp

from migrator.plsql.statements import IND, _indent, _is_var, _pad, _parse, _var, assign
from migrator.rulebook import Unconvertible


# --- SELECT: assignment or result set ----------------------------------------------------

def select(conv, node, depth):
    tree = _parse(conv, node)
    pad = _pad(depth)
    query = tree
    sel = tree if isinstance(tree, exp.Select) else None
    limit = getattr(conv, "rowcount_limit", None)
    if sel is not None and sel.expressions and all(isinstance(e, exp.EQ) and _is_var(e.this)
                                                   for e in sel.expressions):
        if limit:
            raise Unconvertible("TS0640", f"SELECT @v = … under SET ROWCOUNT {limit}: T-SQL reads only {limit} rows; "
                                          "add the limit by hand")
        return select_assign(conv, sel, depth)
    if limit:  # SET ROWCOUNT n: the result set stops after n rows (an existing smaller TOP stays)
        if not isinstance(query, exp.Select) or query.args.get("limit") is not None or query.args.get("into"):
            raise Unconvertible("TS0640", f"query under SET ROWCOUNT {limit} with TOP or a set operator: add the "
                                          "limit by hand")
        query.set("limit", exp.Limit(expression=exp.Literal.number(limit)))
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
        return f"{pad}OPEN {cur} FOR\n{_indent(text, pad + IND)};\n" + _rows_sent(conv, text, pad)
    cur = f"v_result_set{n}"
    conv.scope.declarations.append(f"{cur} SYS_REFCURSOR;")
    conv.ctx.fixed("TS0635", None, f"result set {n} returned with DBMS_SQL.RETURN_RESULT (implicit result)")
    return f"{pad}OPEN {cur} FOR\n{_indent(text, pad + IND)};\n{pad}DBMS_SQL.RETURN_RESULT({cur});\n" + \
        _rows_sent(conv, text, pad)


def _rows_sent(conv, text: str, pad: str) -> str:
    """@@ROWCOUNT right after a result set is the number of rows sent; an opened cursor has
    fetched none yet, so the rows are counted with the same query."""
    nxt = getattr(conv, "next_node", None)
    if not conv.scope.uses_rowcount or nxt is None or "@@ROWCOUNT" not in nxt.text.upper():
        return ""
    conv.ctx.note("TS0635", None, "@@ROWCOUNT after a result set → COUNT(*) over the same query (rows committed "
                                  "by others between the two queries can make them differ)")
    return f"{pad}SELECT COUNT(*) INTO v_rowcount FROM (\n{_indent(text, pad + IND)}\n{pad});\n"


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
    rc = conv.scope.uses_rowcount  # @@ROWCOUNT after SELECT @v = …: the rows the query read
    if not sel.args.get("from_") and not sel.args.get("from"):
        return "".join(assign(conv, t, v, depth) for t, v in zip(targets, values)) + \
            (f"{pad}v_rowcount := 1;\n" if rc else "")
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
        return _indent(conv.sql(body, into=targets) + ";", pad) + "\n" + (f"{pad}v_rowcount := 1;\n" if rc else "")
    limit = sel.args.get("limit")
    one_row = isinstance(limit, (exp.Limit, exp.Fetch)) and (limit.expression or limit.args.get("count")) is not None \
        and str((limit.expression or limit.args.get("count")).name) == "1"
    if one_row:
        q = conv.sql(body, into=targets)
        found = f"\n{pad}{IND}v_rowcount := 1;" if rc else ""
        none = f"{pad}{IND}{IND}v_rowcount := 0; -- T-SQL keeps the variables' values when no row matches\n" if rc \
            else f"{pad}{IND}{IND}NULL; -- T-SQL keeps the variables' values when no row matches\n"
        return (f"{pad}BEGIN\n{_indent(q + ';', pad + IND)}{found}\n{pad}EXCEPTION\n{pad}{IND}WHEN NO_DATA_FOUND THEN\n"
                f"{none}{pad}END;\n")
    body.set("expressions", [exp.alias_(v.copy(), f"c{i + 1}") for i, v in enumerate(values)])
    conv.scope.temp_counter += 1
    rec = f"r{conv.scope.temp_counter}"
    q = conv.sql(body)
    sets = "".join(f"{pad}{IND}{t} := {rec}.c{i + 1};\n" for i, t in enumerate(targets))
    if rc:
        sets += f"{pad}{IND}v_rowcount := v_rowcount + 1;\n"
    conv.ctx.fixed("TS0610", None, "SELECT @v = … FROM … → cursor FOR loop (no row: unchanged; several: last)")
    return (f"{pad}v_rowcount := 0;\n" if rc else "") + \
        f"{pad}FOR {rec} IN (\n{_indent(q, pad + IND)}\n{pad}) LOOP\n{sets}{pad}END LOOP;\n"


# --- DML and other SQL ---------------------------------------------------------------

def sql_statement(conv, node, depth):
    current_of = _current_of(conv, node)
    if current_of is not None:
        node, cursor = current_of
    if node.keyword == "INSERT" and _insert_exec(node):
        raise Unconvertible("TS0690", "INSERT … EXEC: the procedure's result set cannot be inserted in Oracle; "
                                      "make the procedure return a cursor (or fill a table) and insert from it")
    tree = _parse(conv, node)
    from migrator.convert import check_root

    check_root(tree, kinds=False)
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
    if current_of is not None:
        if not isinstance(tree, (exp.Update, exp.Delete)) or tree.args.get("where") is not None:
            raise Unconvertible("TS0680", "WHERE CURRENT OF form not understood")
        _cursor_for_update(conv, cursor)
    pre, post = "", ""
    if isinstance(tree, (exp.Update, exp.Insert, exp.Delete)):
        tree, pre, post = dml_returning(conv, tree, depth)
    returning = tree.args.get("returning")
    if isinstance(returning, exp.Returning) and returning.meta.get("plsql"):
        tree.set("returning", None)  # printed here: TS0410 marks any OUTPUT left in the tree
    text = conv.sql(tree)
    if isinstance(returning, exp.Returning) and returning.meta.get("plsql"):
        text += "\nRETURNING " + ", ".join(conv.expr(e) for e in returning.expressions) + " " + \
            returning.args["into"].name
    if current_of is not None:
        text += f"\nWHERE CURRENT OF {cursor}"
    out = pre + _indent(text + ";", pad) + "\n"
    if conv.scope.uses_rowcount:
        out += f"{pad}v_rowcount := SQL%ROWCOUNT;\n"
    return out + post


def _mentions_temp(tree) -> bool:
    return any(i.args.get("temporary") or i.args.get("global_") for i in tree.find_all(exp.Identifier))


def _insert_exec(node) -> bool:
    depth = 0
    for t in node.tokens[1:]:
        depth += {"(": 1, ")": -1}.get(t.text, 0)
        if depth == 0 and t.text.upper() in {"EXEC", "EXECUTE"}:
            return True
    return False


# --- WHERE CURRENT OF ------------------------------------------------------------------

def _current_of(conv, node):
    """``UPDATE/DELETE … WHERE CURRENT OF c``: (statement without the clause, Oracle cursor name)."""
    from migrator.frontend.nodes import Statement
    from migrator.plsql.statements import _cursor

    toks = node.tokens
    while toks and toks[-1].text == ";":
        toks = toks[:-1]
    if len(toks) < 5 or [t.text.upper() for t in toks[-4:-1]] != ["WHERE", "CURRENT", "OF"]:
        return None
    cursor = _cursor(conv, toks[-1].text)
    body = toks[:-4]
    return Statement(node.span, node.text, tokens=body, keyword=node.keyword), cursor


def _cursor_for_update(conv, cursor: str) -> None:
    """Oracle allows WHERE CURRENT OF only for a cursor declared FOR UPDATE (T-SQL cursors are
    updatable by default): add FOR UPDATE to the cursor's declaration."""
    for i, decl in enumerate(conv.cursor_decls):
        if decl.startswith(f"CURSOR {cursor} IS"):
            if "FOR UPDATE" not in decl.upper():
                conv.cursor_decls[i] = decl.rstrip().rstrip(";") + "\n    FOR UPDATE;"
                conv.ctx.fixed("TS0691", None, f"cursor {cursor.upper()} declared FOR UPDATE (WHERE CURRENT OF)")
            return


# --- UPDATE … SET @v = …, OUTPUT, SCOPE_IDENTITY: RETURNING ----------------------------------

def _cols(e: exp.Expression) -> set[str]:
    return {c.name.casefold() for c in e.find_all(exp.Column)}


def _vars_in(e: exp.Expression) -> set[str]:
    return {p.this.name.casefold() for p in e.find_all(exp.Parameter) if isinstance(p.this, exp.Var)}


def _pseudo(e: exp.Expression, table: str) -> exp.Expression:
    """``inserted.c`` / ``deleted.c`` → ``c`` (RETURNING sees the row the statement changed)."""
    e = e.copy()
    for c in list(e.find_all(exp.Column)):
        if c.table.casefold() in {"inserted", "deleted"}:
            c.set("table", None)
    return e


def _pseudo_tables(e: exp.Expression) -> set[str]:
    return {c.table.casefold() for c in e.find_all(exp.Column) if c.table.casefold() in {"inserted", "deleted"}}


def _ret(exprs, into_text: str) -> exp.Returning:
    exprs = [e.copy() for e in exprs]
    for e in exprs:  # RETURNING reads the one target table: unqualified columns
        for c in e.find_all(exp.Column):
            c.set("table", None)
            c.set("db", None)
    ret = exp.Returning(expressions=exprs, into=exp.Var(this=into_text))
    ret.meta["plsql"] = True
    return ret


def _temp(conv, like: str) -> str:
    conv.scope.temp_counter += 1
    name = f"v_ret{conv.scope.temp_counter}"
    conv.scope.declarations.append(f"{name} {like}%TYPE;")
    return name


def dml_returning(conv, tree, depth):
    """DML that hands values back to the routine: ``SET @v = …`` in UPDATE, ``OUTPUT … INTO``,
    SCOPE_IDENTITY() after INSERT. Returns (tree to print, PL/SQL before, PL/SQL after)."""
    pad = _pad(depth)
    pre, post = "", ""
    assigns = []
    if isinstance(tree, exp.Update):
        assigns = [e for e in tree.expressions if isinstance(e, exp.EQ) and _is_var(e.this)]
    output = tree.args.get("returning")
    if isinstance(tree, exp.Insert):
        tree, post = _identity(conv, tree, pad)
    if not assigns and output is None:
        return tree, pre, post
    if isinstance(tree, exp.Update) and (tree.args.get("from") or tree.args.get("from_")):
        raise Unconvertible("TS0691", "UPDATE … FROM with variable assignments or OUTPUT: rewrite by hand")
    target = tree.this
    if not isinstance(target, exp.Table):
        raise Unconvertible("TS0691", "DML target is not a table")
    updated: dict[str, exp.Expression] = {}  # column (casefold) -> new value expression
    for e in tree.expressions if isinstance(tree, exp.Update) else []:
        if isinstance(e, exp.EQ) and _is_var(e.this) and isinstance(e.expression, exp.EQ):
            updated[e.expression.this.name.casefold()] = e.expression.expression
        elif isinstance(e, exp.EQ) and isinstance(e.this, exp.Column):
            updated[e.this.name.casefold()] = e.expression
    assigned = {e.this.this.name.casefold() for e in assigns}
    for e in tree.expressions if isinstance(tree, exp.Update) else []:
        value = e.expression.expression if _is_var(e.this) and isinstance(e.expression, exp.EQ) else e.expression
        others = _vars_in(value) - ({e.this.this.name.casefold()} if _is_var(e.this) else set())
        if others & assigned:
            raise Unconvertible("TS0691", "UPDATE SET reads a variable that the same UPDATE assigns (row-by-row "
                                          "T-SQL semantics): rewrite by hand")
    where = tree.args.get("where")
    if where is not None and _vars_in(where) & assigned:
        raise Unconvertible("TS0691", "UPDATE WHERE reads a variable that the same UPDATE assigns")
    if assigns:
        new_set = []
        for e in tree.expressions:
            if _is_var(e.this):
                if isinstance(e.expression, exp.EQ):
                    new_set.append(exp.EQ(this=e.expression.this.copy(), expression=e.expression.expression.copy()))
            else:
                new_set.append(e)
        if not new_set:
            raise Unconvertible("TS0691", "UPDATE that only assigns variables: use SELECT … FOR UPDATE by hand")
        tree.set("expressions", new_set)
    returning_ok = output is None and all(_returnable(e, updated) is not None for e in assigns)
    if assigns and returning_ok:
        post += _assign_returning(conv, tree, assigns, updated, pad)
    elif assigns:
        pre += _assign_preselect(conv, tree, assigns, pad)
    if output is not None:
        tree.set("returning", None)
        post += _output_into(conv, tree, output, updated, pad)
    return tree, pre, post


def _returnable(e: exp.EQ, updated: dict):
    """The RETURNING expression that yields what T-SQL assigns, or None.

    ``@v = col = expr`` assigns the new value (``col``); ``@v = expr`` assigns expr over the
    row before the update: the same expression when it reads no updated column, ``col - k``
    when it is a column updated as ``col = col + k``."""
    value = e.expression
    if isinstance(value, exp.EQ):
        return value.this.copy()
    if _vars_in(value) & {e.this.this.name.casefold()}:
        return None  # @v = @v + x: a running total, done over the rows
    touched = _cols(value) & set(updated)
    if not touched:
        return value.copy()
    if isinstance(value, exp.Column) and value.name.casefold() in updated:
        new = updated[value.name.casefold()]
        if isinstance(new, (exp.Add, exp.Sub)) and isinstance(new.this, exp.Column) \
                and new.this.name.casefold() == value.name.casefold() and not (_cols(new.expression) & set(updated)):
            inverse = exp.Sub if isinstance(new, exp.Add) else exp.Add
            k = new.expression.copy()
            if not isinstance(k, (exp.Literal, exp.Parameter, exp.Column)):
                k = exp.Paren(this=k)
            return inverse(this=value.copy(), expression=k)
    return None


def _assign_returning(conv, tree, assigns, updated, pad) -> str:
    """``RETURNING … INTO`` temporaries, copied when a row was updated (T-SQL leaves the
    variables unchanged when none was; Oracle leaves RETURNING targets undefined)."""
    exprs, temps, targets = [], [], []
    for e in assigns:
        target = _var(conv, e.this.this.name)
        exprs.append(_returnable(e, updated))
        temps.append(_temp(conv, target))
        targets.append(target)
    tree.set("returning", _ret(exprs, "INTO " + ", ".join(temps)))
    conv.ctx.fixed("TS0691", None, "UPDATE … SET @v = … → RETURNING … INTO (T-SQL: @v = col is the value before "
                                   "the update, @v = col = expr the new one)")
    conv.ctx.note("TS0691", None, "UPDATE … RETURNING INTO raises TOO_MANY_ROWS when several rows change (T-SQL "
                                  "keeps one row's values)")
    sets = "".join(f"{pad}  {t} := {tmp};\n" for t, tmp in zip(targets, temps))
    return f"{pad}IF SQL%ROWCOUNT > 0 THEN\n{sets}{pad}END IF;\n"


def _assign_preselect(conv, tree, assigns, pad) -> str:
    """Values before the update (and running totals ``@v = @v + x``) read row by row with a
    locking query over the same rows, then the UPDATE: T-SQL semantics for no row (unchanged),
    one row and several rows (last row; running totals over all)."""
    where = tree.args.get("where")
    if where is not None and where.find(exp.Rand, exp.Anonymous) is not None and "RAND" in where.sql().upper():
        raise Unconvertible("TS0691", "UPDATE with variable assignments and a random WHERE")
    conv.scope.temp_counter += 1
    rec = f"r{conv.scope.temp_counter}"
    items, sets = [], []
    for i, e in enumerate(assigns):
        target = _var(conv, e.this.this.name)
        name = e.this.this.name.casefold()
        value = e.expression.expression if isinstance(e.expression, exp.EQ) else e.expression
        if name in _vars_in(value):
            if not (isinstance(value, exp.Add) and _is_var(value.this) and value.this.this.name.casefold() == name
                    and name not in _vars_in(value.expression)):
                raise Unconvertible("TS0691", f"UPDATE SET @{e.this.this.name} = expression over itself: only "
                                              "running totals (@v = @v + x) are converted")
            items.append(exp.alias_(value.expression.copy(), f"c{i + 1}"))
            sets.append(f"{pad}  {target} := {target} + {rec}.c{i + 1};\n")
        else:
            items.append(exp.alias_(value.copy(), f"c{i + 1}"))
            sets.append(f"{pad}  {target} := {rec}.c{i + 1};\n")
    q = exp.Select(expressions=items).from_(tree.this.copy())
    if where is not None:
        q.set("where", where.copy())
    text = conv.sql(q) + "\nFOR UPDATE"
    conv.ctx.fixed("TS0691", None, "UPDATE … SET @v = … (values before the update / running total) → locking "
                                   "query loop before the UPDATE")
    return f"{pad}FOR {rec} IN (\n{_indent(text, pad + IND)}\n{pad}) LOOP\n{''.join(sets)}{pad}END LOOP;\n"


def _output_into(conv, tree, output, updated, pad) -> str:
    """``OUTPUT … INTO table [(cols)]`` → ``RETURNING … BULK COLLECT INTO`` a collection, then
    ``FORALL … INSERT``: one inserted row per changed row, as in T-SQL."""
    into = output.args.get("into")
    if into is None:
        raise Unconvertible("TS0691", "OUTPUT without INTO returns the changed rows to the client: collect them "
                                      "with RETURNING … BULK COLLECT INTO and return a cursor by hand")
    if isinstance(into, exp.Parameter) or (isinstance(into, exp.Table) and into.name.startswith("@")):
        raise Unconvertible("TS0670", "OUTPUT … INTO a table variable: table variables are not converted yet")
    schema = into if isinstance(into, exp.Schema) else None
    table = schema.this if schema is not None else into
    if not isinstance(table, exp.Table) or _mentions_temp(table):
        raise Unconvertible("TS0670", "OUTPUT … INTO a temp table: temp tables are not converted yet")
    exprs = []
    for e in output.expressions:
        if isinstance(e, exp.Star) or (isinstance(e, exp.Column) and isinstance(e.this, exp.Star)):
            raise Unconvertible("TS0691", "OUTPUT inserted.* / deleted.*: list the columns")
        value = e.this if isinstance(e, exp.Alias) else e
        pseudo = _pseudo_tables(value)
        if "deleted" in pseudo and isinstance(tree, exp.Update):
            cols = {c.name.casefold() for c in value.find_all(exp.Column) if c.table.casefold() == "deleted"}
            if cols & set(updated):
                raise Unconvertible("TS0691", "OUTPUT deleted.<updated column>: RETURNING gives new values only")
        if "inserted" in pseudo and isinstance(tree, exp.Delete):
            raise Unconvertible("TS0691", "OUTPUT inserted.… in a DELETE")
        exprs.append(_pseudo(value, table.name))
    conv.scope.temp_counter += 1
    n = conv.scope.temp_counter
    tname = conv.sql(table.copy())
    cols = [c.name for c in schema.expressions] if schema is not None else []
    if cols and len(cols) != len(exprs):
        raise Unconvertible("TS0691", "OUTPUT … INTO column list and OUTPUT list differ in length")
    if cols:
        colls = []
        for j, c in enumerate(cols):
            oc = conv.project.names.name(c)
            conv.scope.declarations.append(f"TYPE t_out{n}_{j + 1} IS TABLE OF {tname}.{oc}%TYPE;")
            conv.scope.declarations.append(f"v_out{n}_{j + 1} t_out{n}_{j + 1};")
            colls.append(f"v_out{n}_{j + 1}")
        into_text = "BULK COLLECT INTO " + ", ".join(colls)
        ins = (f"{pad}FORALL i IN 1 .. {colls[0]}.COUNT\n{pad}  INSERT INTO {tname} "
               f"({', '.join(conv.project.names.name(c) for c in cols)})\n"
               f"{pad}  VALUES ({', '.join(f'{c}(i)' for c in colls)});\n")
    else:  # all columns of the table, in order: one collection per value, typed after the value
        src = conv.sql(tree.this.copy()) if isinstance(tree.this, exp.Table) else None
        colls = []
        for j, e in enumerate(exprs):
            kind = _anchor(conv, e, src)
            conv.scope.declarations.append(f"TYPE t_out{n}_{j + 1} IS TABLE OF {kind};")
            conv.scope.declarations.append(f"v_out{n}_{j + 1} t_out{n}_{j + 1};")
            colls.append(f"v_out{n}_{j + 1}")
        into_text = "BULK COLLECT INTO " + ", ".join(colls)
        ins = (f"{pad}FORALL i IN 1 .. {colls[0]}.COUNT\n{pad}  INSERT INTO {tname}\n"
               f"{pad}  VALUES ({', '.join(f'{c}(i)' for c in colls)});\n")
    tree.set("returning", _ret(exprs, into_text))
    conv.ctx.fixed("TS0691", None, "OUTPUT … INTO table → RETURNING … BULK COLLECT INTO + FORALL INSERT")
    return ins


def _anchor(conv, e: exp.Expression, table: str | None) -> str:
    """Element type of a collection that receives ``e`` from RETURNING: anchored (%TYPE) to the
    column or variable it reads, NUMBER for arithmetic; anything else is left to a person."""
    if isinstance(e, exp.Paren):
        return _anchor(conv, e.this, table)
    if isinstance(e, exp.Column) and table:
        return f"{table}.{conv.project.names.name(e.name)}%TYPE"
    if _is_var(e):
        return f"{_var(conv, e.this.name)}%TYPE"
    if isinstance(e, exp.Null):
        return "VARCHAR2(1)"  # a NULL converts to the column's type on INSERT
    if isinstance(e, exp.Case):
        branches = [i.args.get("true") for i in e.args.get("ifs") or []] + [e.args.get("default")]
        values = [b for b in branches if b is not None and not isinstance(b, exp.Null)]
        kinds = list(dict.fromkeys(_anchor(conv, b, table) for b in values))
        if len(kinds) == 1:
            return kinds[0]
        if kinds and all(isinstance(b, exp.Column) for b in values) and table:
            types = {conv.project.catalog.column_type(table, b.name) for b in values}
            if len(types) != 1 or None in types:
                conv.ctx.note("TS0691", None, f"OUTPUT … INTO: the CASE branches are taken to have the type of "
                                              f"the first one ({kinds[0]})")
            return kinds[0]
    if isinstance(e, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Neg)) or (isinstance(e, exp.Literal) and not e.is_string):
        return "NUMBER"
    raise Unconvertible("TS0691", f"OUTPUT … INTO without a column list: the type of {e.sql('tsql')[:60]} is unknown; "
                                  "list the target columns")


def _identity(conv, tree: exp.Insert, pad):
    """INSERT into a table with an identity column, in a batch that reads SCOPE_IDENTITY() or
    @@IDENTITY: ``RETURNING id INTO v_identity`` (one row: VALUES). Several rows (INSERT …
    SELECT): the identity a later SCOPE_IDENTITY() means is unknown, so it becomes a TODO."""
    import re

    from migrator.plsql.converter import Var

    if not re.search(r"SCOPE_IDENTITY|@@IDENTITY", conv.batch.text, re.I):
        return tree, ""
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    if not isinstance(target, exp.Table):
        return tree, ""
    info = conv.project.catalog.table(target.name) or {}
    idcols = [c["name"] for c in info.get("columns", {}).values() if c.get("identity")]
    if not idcols:
        return tree, ""
    values = tree.expression
    if isinstance(values, exp.Values) and len(values.expressions) == 1 and tree.args.get("returning") is None:
        if "v_identity NUMBER;" not in conv.scope.declarations:
            conv.scope.declarations.append("v_identity NUMBER;")
        conv.scope.variables["@identity"] = Var("v_identity", "numeric(38,0)", "system")
        conv.ctx.fixed("TS0691", None, f"INSERT into {target.name} → RETURNING {idcols[0]} INTO v_identity "
                                       "(SCOPE_IDENTITY())")
        tree.set("returning", _ret([exp.column(idcols[0])], "INTO v_identity"))
        return tree, ""
    conv.scope.variables.pop("@identity", None)
    conv.scope.variables["@identity_unknown"] = Var("v_identity", None, "system")
    return tree, ""
