"""EXEC: procedure calls, dynamic SQL (EXEC(...), sp_executesql)."""

from __future__ import annotations

import re

from sqlglot import exp

from migrator.frontend.dialect import word
from migrator.names import var_name
from migrator.rulebook import Unconvertible

IND = "  "


def _is_text(e) -> bool:
    return isinstance(e, exp.National) or (isinstance(e, exp.Literal) and e.is_string)


def _split_args(toks):
    """Top-level comma-separated token groups."""
    groups, cur, depth = [], [], 0
    for t in toks:
        if t.text == "," and depth == 0:
            groups.append(cur)
            cur = []
            continue
        depth += {"(": 1, ")": -1}.get(t.text, 0)
        cur.append(t)
    if cur:
        groups.append(cur)
    return groups


def _status_target(conv, toks):
    """``EXEC @rc = proc ...``: (Oracle variable or None, remaining tokens)."""
    if len(toks) >= 3 and toks[0].text == "@" and toks[2].text == "=":
        return toks[1].text, toks[3:]
    if len(toks) >= 2 and toks[0].text.startswith("@") and toks[1].text == "=":
        return toks[0].text, toks[2:]
    return None, toks


def exec_statement(conv, node, depth):
    pad = IND * depth
    toks = node.tokens[1:]
    if toks and toks[0].text == "(":
        return dynamic_exec(conv, node, toks, depth)
    status_var, toks = _status_target(conv, toks)
    if toks and toks[0].text.startswith("@"):
        raise Unconvertible("TS0690", "EXEC @variable: the procedure to call is chosen at run time; call it by "
                                      "name (or with EXECUTE IMMEDIATE) by hand")
    # procedure name: [db.][schema.]name
    parts, i = [], 0
    while i < len(toks):
        parts.append(toks[i].text)
        if i + 1 < len(toks) and toks[i + 1].text == "." and toks[i + 1].start == toks[i].end + 1:
            i += 2
            continue
        i += 1
        break
    name = parts[-1]
    toks = _strip_exec_options(conv, toks)
    if name.lower() == "sp_executesql":
        if status_var:
            raise Unconvertible("TS0690", "EXEC @status = sp_executesql: the status of dynamic SQL has no Oracle form")
        return sp_executesql(conv, node, toks[i:], depth)
    if name.lower().startswith(("sp_", "xp_")) and len(parts) <= 2:
        raise Unconvertible("TS0690", f"system procedure {name}: no Oracle equivalent (out of scope)")
    if len(parts) > 2:
        raise Unconvertible("TS0010", f"procedure in another database ({'.'.join(parts)})")
    callee = conv.project.catalog.routines.get(name.casefold())
    known = {p["name"].casefold(): p for p in (callee or {}).get("params", [])}
    prefix = getattr(conv.project.config, "param_prefix", "p_")
    args = []
    passed: set[str] = set()  # callee parameters given a value (casefold)
    pos, skipped = 0, False  # argument position; a positional DEFAULT was left out
    for group in _split_args(toks[i:]):
        if not group:
            continue
        out = False
        if word(group[-1]) in {"OUTPUT", "OUT"}:
            out = True
            group = group[:-1]
        pname = None
        if len(group) >= 3 and group[0].text == "@" and group[2].text == "=":
            pname = group[1].text
            group = group[3:]
        elif len(group) >= 2 and group[0].text.startswith("@") and group[1].text == "=":
            pname = group[0].text.lstrip("@")
            group = group[2:]
        if pname and callee and known and pname.casefold() not in known:
            raise Unconvertible("TS0690", f"procedure {name} has no parameter @{pname}")
        position = pos
        pos += 1
        if pname is None and skipped:  # after a positional DEFAULT: name the parameter
            target = _target_param(known, None, position)
            if target is None:
                raise Unconvertible("TS0690", "positional argument after DEFAULT for a procedure whose parameters "
                                              "are not known")
            pname = target["name"]
        if len(group) == 1 and word(group[0]) == "DEFAULT":
            if pname is None and _target_param(known, None, position) is None:
                raise Unconvertible("TS0690", "positional DEFAULT argument for a procedure whose parameters are not "
                                              "known")
            skipped = True
            continue  # a DEFAULT argument is simply omitted (the arguments after it are named)
        if len(group) == 1 and group[0].token_type.name == "VAR" and not group[0].text.startswith("@"):
            value = "'" + group[0].text.replace("'", "''") + "'"  # T-SQL accepts bare words as strings
        else:
            exprs = conv.parse_expr_tokens(group)
            if len(exprs) != 1:
                raise Unconvertible("TS0690", "argument not understood")
            e = exprs[0]
            if out and not (isinstance(e, exp.Parameter) and isinstance(e.this, exp.Var)):
                raise Unconvertible("TS0690", "OUTPUT argument that is not a variable")
            if e.find(exp.Select, exp.Subquery):
                raise Unconvertible("TS0690", "subquery as an argument")
            target = _target_param(known, pname, position)
            if target is not None:  # '20240101' for a datetime parameter → a typed literal (TS0262)
                from migrator.plsql.statements import typed_literal

                e = typed_literal(conv, e, target.get("type"))
            value = conv.expr(e)
        target = _target_param(known, pname, position)
        if target is not None:
            passed.add(target["name"].casefold())
        if out and callee and known:
            if target is not None and not target.get("output"):
                conv.ctx.note("TS0690", None, f"OUTPUT argument for @{target['name']}, which {name} does not "
                                              "declare OUTPUT: the variable is not changed by the call")
        if pname:
            args.append(f"{var_name(known[pname.casefold()]['name'] if pname.casefold() in known else pname, prefix)}"
                        f" => {value}")
        else:
            if any("=>" in a for a in args):
                raise Unconvertible("TS0690", "positional argument after a named one")
            args.append(value)
    pre = _omitted_outputs(conv, name, known, passed, args, depth)
    schema = conv.project.names.schema(parts[-2]) if len(parts) == 2 else None
    oname = conv.project.names.name(name)
    full = f"{schema}.{oname}" if schema else oname
    after = ""
    if status_var:
        target = _var_name(conv, status_var)
        if callee is None:
            raise Unconvertible("TS0690", f"EXEC @status = {name}: {name} is not in the project, so whether it "
                                          "returns a status (P_RETURN_STATUS) is unknown")
        if callee.get("kind", "procedure") != "procedure":
            raise Unconvertible("TS0690", f"EXEC @status = {name}: {name} is not a procedure")
        if callee.get("status"):
            args.append(f"p_return_status => {target}")
            conv.ctx.fixed("TS0690", None, f"EXEC @status = {name} → OUT argument P_RETURN_STATUS")
        else:
            after = f"{pad}{target} := 0;\n"
            conv.ctx.fixed("TS0690", None, f"EXEC @status = {name}: {name} has no RETURN n, its status is 0")
    elif callee is None:
        conv.ctx.note("TS0690", None, f"procedure {name} is not in the project: check its converted signature")
    elif callee.get("status"):  # the OUT parameter has no default: pass a variable nobody reads
        if "v_return_status NUMBER;" not in conv.scope.declarations:
            conv.scope.declarations.append("v_return_status NUMBER;")
        args.append("p_return_status => v_return_status")
        conv.ctx.fixed("TS0690", None, f"{name} returns a status: its P_RETURN_STATUS goes to V_RETURN_STATUS")
    call = f"{pad}{full}({', '.join(args)});\n" if args else f"{pad}{full};\n"
    return pre + call + after


def _strip_exec_options(conv, toks):
    """``EXEC p args WITH RECOMPILE`` → the call (a plan option); ``WITH RESULT SETS`` → TODO."""
    depth = 0
    for j, t in enumerate(toks):
        depth += {"(": 1, ")": -1}.get(t.text, 0)
        if depth == 0 and word(t) == "WITH" and j > 0:
            opts = " ".join(word(x) for x in toks[j + 1:] if x.text != ";")
            if opts == "RECOMPILE":
                conv.ctx.fixed("TS0690", None, "EXEC … WITH RECOMPILE: the option removed (no PL/SQL equivalent "
                                               "needed)")
                return toks[:j]
            raise Unconvertible("TS0690", f"EXEC … WITH {' '.join(opts.split()[:2])}: the call's result set options have "
                                          "no PL/SQL form")
    return toks


def _target_param(known: dict, pname: str | None, position: int) -> dict | None:
    """The callee parameter (catalog entry) an argument goes to: by name, else by position."""
    if not known:
        return None
    if pname:
        return known.get(pname.casefold())
    params = list(known.values())
    return params[position] if position < len(params) else None


def _omitted_outputs(conv, name: str, known: dict, passed: set, args: list, depth: int) -> str:
    """An ``OUTPUT`` parameter with a default that the call leaves out: the PL/SQL ``IN OUT``
    parameter has no default (PLS-00230, TS0600), so a local variable set to the default is
    passed for it (the callee may change it; nobody reads it after the call)."""
    pad = IND * depth
    prefix = getattr(conv.project.config, "param_prefix", "p_")
    out = ""
    for p in known.values():
        if not p.get("output") or p.get("default") is None or p["name"].casefold() in passed:
            continue
        if not p.get("type"):
            raise Unconvertible("TS0690", f"{name} declares @{p['name']} OUTPUT with a default, which PL/SQL "
                                          "IN OUT parameters cannot have: pass a variable for it by hand")
        local = var_name(f"{name}_{p['name']}", getattr(conv.project.config, "var_prefix", "v_"))
        decl = f"{local} {conv.var_type(p['type'])};"
        if decl not in conv.scope.declarations:
            conv.scope.declarations.append(decl)
        from migrator.plsql.statements import typed_literal

        text = p["default"].strip()
        value = "NULL" if text.upper() == "NULL" else conv.expr(
            typed_literal(conv, conv.parse_expr_tokens(conv._tokens_of(text))[0], p["type"]))
        out += f"{pad}{local} := {value};\n"
        args.append(f"{var_name(p['name'], prefix)} => {local}")
        conv.ctx.note("TS0690", None, f"{name} leaves out @{p['name']} (OUTPUT with a default): "
                                      f"{local.upper()} holds the default and is passed for it")
    return out


def _var_name(conv, raw: str) -> str:
    from migrator.plsql.statements import _var

    return _var(conv, raw.lstrip("@"))


def dynamic_exec(conv, node, toks, depth):
    # EXEC ( expr ) — the string is T-SQL
    inner = toks[1:-1] if toks[-1].text == ")" else toks[1:]
    exprs = conv.parse_expr_tokens(inner)
    if len(exprs) == 1 and _is_text(exprs[0]):
        return _literal_dynamic(conv, exprs[0].name, depth)
    raise Unconvertible("TS0690", "EXEC(...) of SQL text built at run time: the text is T-SQL; convert the SQL it "
                                  "builds by hand (EXECUTE IMMEDIATE with binds)")


def _literal_dynamic(conv, sql_text: str, depth: int, params: list[str] | None = None,
                     values: dict[str, str] | None = None, outs: set[str] | None = None,
                     into: list[str] | None = None) -> str:
    """Convert T-SQL held in a literal string and run it with EXECUTE IMMEDIATE.

    The string's parameters become ``:name`` placeholders. Oracle binds the placeholders of a
    dynamic SQL statement by position, not by name: the USING list follows the placeholders
    in the converted text, a value repeated for each use of the same name."""
    from migrator.api import convert_fragment

    params = params or []
    binds = {p.casefold(): f":{p.lower()}" for p in params}
    oracle = convert_fragment(sql_text, conv.project, conv.ctx, binds=binds if params else None)
    pad = IND * depth
    order = _placeholders(oracle)
    using = []
    outs = outs or set()
    for ph in order:
        key = ph.casefold()
        if key not in (values or {}):
            raise Unconvertible("TS0690", f"no value for the dynamic SQL parameter @{ph}")
        if key in outs and order.count(ph) > 1:
            raise Unconvertible("TS0690", f"OUTPUT parameter @{ph} used twice in dynamic SQL (Oracle binds by "
                                          "position)")
        using.append(("OUT " if key in outs else "") + values[key])
    lit = oracle.replace("'", "''")
    binds = f" USING {', '.join(using)}" if using else ""
    if into:  # SELECT @out = … (OUTPUT parameters): EXECUTE IMMEDIATE … INTO the caller's variables
        conv.ctx.fixed("TS0690", None, "sp_executesql SELECT @out = … → EXECUTE IMMEDIATE … INTO")
        return f"{pad}EXECUTE IMMEDIATE '{lit}' INTO {', '.join(into)}{binds};\n"
    if re.match(r"\s*(?:\(\s*)*(?:SELECT|WITH)\b", oracle, re.I):
        return _dynamic_result_set(conv, f"'{lit}'{binds}", depth)
    conv.ctx.fixed("TS0690", None, "dynamic SQL in a literal converted and run with EXECUTE IMMEDIATE"
                   + (" (binds by position)" if using else ""))
    return f"{pad}EXECUTE IMMEDIATE '{lit}'{binds};\n"


def _dynamic_result_set(conv, query_and_binds: str, depth: int) -> str:
    """A dynamic query returns its rows to the client in T-SQL; ``EXECUTE IMMEDIATE`` of a
    query without ``INTO`` would fetch nothing. ``OPEN … FOR`` the string, then return the
    cursor like a static result set (TS0635: implicit result, or an OUT SYS_REFCURSOR)."""
    pad = IND * depth
    if conv.is_function:
        raise Unconvertible("TS0600", "a function cannot return a result set (dynamic SELECT)")
    conv.scope.result_sets += 1
    n = conv.scope.result_sets
    conv.ctx.fixed("TS0690", None, "dynamic SELECT in a literal converted; its rows are returned with OPEN … FOR "
                                   "(a result set, as in T-SQL)")
    if getattr(conv.project.config, "result_sets", "implicit") == "refcursor":
        cur = f"p_result_set{n}"
        conv.extra_params.append(f"{cur} OUT SYS_REFCURSOR")
        return f"{pad}OPEN {cur} FOR {query_and_binds};\n"
    cur = f"v_result_set{n}"
    conv.scope.declarations.append(f"{cur} SYS_REFCURSOR;")
    return f"{pad}OPEN {cur} FOR {query_and_binds};\n{pad}DBMS_SQL.RETURN_RESULT({cur});\n"


def _placeholders(oracle: str) -> list[str]:
    """``:name`` placeholders in order of appearance, outside string literals and quoted names."""
    import re

    out = []
    for m in re.finditer(r"'(?:[^']|'')*'|\"[^\"]*\"|:(\w+)", oracle):
        if m.group(1):
            out.append(m.group(1))
    return out


def sp_executesql(conv, node, toks, depth):
    groups = _split_args(toks)
    if not groups:
        raise Unconvertible("TS0690", "sp_executesql without a statement")
    first = conv.parse_expr_tokens(groups[0])
    if not (len(first) == 1 and _is_text(first[0])):
        raise Unconvertible("TS0690", "sp_executesql of SQL text built at run time: the text is T-SQL; convert the "
                                      "SQL it builds by hand (EXECUTE IMMEDIATE with binds)")
    sql_text = first[0].name
    params: list[str] = []
    ptypes: dict[str, str] = {}
    if len(groups) > 1:
        decl = conv.parse_expr_tokens(groups[1])
        if not (len(decl) == 1 and _is_text(decl[0])):
            raise Unconvertible("TS0690", "sp_executesql parameter list is not a literal")
        items = [p.strip() for p in re.split(r",(?![^(]*\))", decl[0].name) if p.strip()]  # decimal(10,2)
        params = [p.split()[0].lstrip("@") for p in items]
        ptypes = {p.split()[0].lstrip("@").casefold(): " ".join(p.split()[1:2]) for p in items}
    values: dict[str, str] = {}
    outs: set[str] = set()
    for pos, g in enumerate(groups[2:]):
        out = word(g[-1]) in {"OUTPUT", "OUT"}
        if out:
            g = g[:-1]
        if len(g) >= 3 and g[0].text == "@" and g[2].text == "=":
            pname, g = g[1].text, g[3:]
        elif len(g) >= 2 and g[0].text.startswith("@") and g[1].text == "=":
            pname, g = g[0].text.lstrip("@"), g[2:]
        elif pos < len(params):
            pname = params[pos]  # positional values follow the declared parameter list
        else:
            raise Unconvertible("TS0690", "more sp_executesql values than declared parameters")
        exprs = conv.parse_expr_tokens(g)
        if len(exprs) != 1:
            raise Unconvertible("TS0690", "sp_executesql parameter value not understood")
        e = exprs[0]
        if out and not (isinstance(e, exp.Parameter) and isinstance(e.this, exp.Var)):
            raise Unconvertible("TS0690", "OUTPUT value that is not a variable")
        from migrator.plsql.statements import typed_literal

        values[pname.casefold()] = conv.expr(typed_literal(conv, e, ptypes.get(pname.casefold())))
        if out:
            outs.add(pname.casefold())
    if outs:
        return _dynamic_select_into(conv, sql_text, depth, params, values, outs)
    return _literal_dynamic(conv, sql_text, depth, params, values, outs)


def _dynamic_select_into(conv, sql_text: str, depth: int, params, values, outs) -> str:
    """``sp_executesql N'SELECT @n = COUNT(*) FROM t WHERE r = @r', N'@r …, @n int OUTPUT', @r = …,
    @n = @x OUTPUT`` → ``EXECUTE IMMEDIATE 'SELECT COUNT(*) FROM T WHERE R = :r' INTO v_x USING …``.
    Only a SELECT that assigns OUTPUT parameters; T-SQL keeps the variables when no row matches
    (a NO_DATA_FOUND handler does the same unless every value is an aggregate: one row)."""
    import sqlglot
    from sqlglot.errors import ParseError, TokenError

    from migrator.frontend.dialect import MigrateTSQL

    todo = ("sp_executesql with OUTPUT parameters other than SELECT @out = …: write EXECUTE IMMEDIATE … INTO (or "
            "RETURNING INTO) by hand")
    try:
        trees = sqlglot.parse(sql_text.strip().rstrip(";"), dialect=MigrateTSQL)
    except (ParseError, TokenError):
        raise Unconvertible("TS0690", todo)
    sel = trees[0] if len(trees) == 1 else None
    if not isinstance(sel, exp.Select) or not sel.expressions or sel.args.get("into") is not None or not all(
            isinstance(e, exp.EQ) and isinstance(e.this, exp.Parameter) for e in sel.expressions):
        raise Unconvertible("TS0690", todo)
    targets = [e.this.name.lstrip("@").casefold() for e in sel.expressions]
    if set(targets) != outs or len(set(targets)) != len(targets):
        raise Unconvertible("TS0690", todo)
    for e in sel.expressions:
        if any(isinstance(p, exp.Parameter) and p.name.lstrip("@").casefold() in outs
               for p in e.expression.find_all(exp.Parameter)):
            raise Unconvertible("TS0690", "dynamic SELECT @out = expression over an OUTPUT parameter (running "
                                          "assignment): rewrite by hand")
    aggregate = all(e.expression.find(exp.AggFunc) is not None for e in sel.expressions) and \
        not sel.args.get("group") and not sel.args.get("having")
    query = sel.copy()
    query.set("expressions", [e.expression.copy() for e in sel.expressions])
    ins = [p for p in params if p.casefold() not in outs]
    text = _literal_dynamic(conv, query.sql(dialect=MigrateTSQL), depth, ins, values, set(),
                            into=[values[t] for t in targets])
    if aggregate:
        return text
    pad = IND * depth
    conv.ctx.note("TS0690", None, "dynamic SELECT @out = … → EXECUTE IMMEDIATE … INTO: several rows raise "
                                  "TOO_MANY_ROWS in Oracle where T-SQL kept the last row's values")
    return (f"{pad}BEGIN\n{IND}{text}{pad}EXCEPTION\n{pad}{IND}WHEN NO_DATA_FOUND THEN\n"
            f"{pad}{IND * 2}NULL; -- T-SQL keeps the variables' values when no row matches\n{pad}END;\n")
