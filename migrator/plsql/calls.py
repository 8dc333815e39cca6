"""EXEC: procedure calls, dynamic SQL (EXEC(...), sp_executesql)."""

from __future__ import annotations

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
        if len(group) == 1 and word(group[0]) == "DEFAULT":
            if pname is None:
                raise Unconvertible("TS0690", "positional DEFAULT argument")
            continue  # a named DEFAULT argument is simply omitted
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
            value = conv.expr(e)
        if out and callee and known:
            target = known.get(pname.casefold()) if pname else (list(known.values())[len(args)]
                                                                if len(args) < len(known) else None)
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
    return call + after


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
                     values: dict[str, str] | None = None, outs: set[str] | None = None) -> str:
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
    conv.ctx.fixed("TS0690", None, "dynamic SQL in a literal converted and run with EXECUTE IMMEDIATE"
                   + (" (binds by position)" if using else ""))
    return f"{pad}EXECUTE IMMEDIATE '{lit}'" + (f" USING {', '.join(using)}" if using else "") + ";\n"


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
    if len(groups) > 1:
        decl = conv.parse_expr_tokens(groups[1])
        if not (len(decl) == 1 and _is_text(decl[0])):
            raise Unconvertible("TS0690", "sp_executesql parameter list is not a literal")
        params = [p.strip().split()[0].lstrip("@") for p in decl[0].name.split(",") if p.strip()]
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
        values[pname.casefold()] = conv.expr(e)
        if out:
            outs.add(pname.casefold())
    if outs:
        raise Unconvertible("TS0690", "sp_executesql with OUTPUT parameters: write EXECUTE IMMEDIATE … INTO (or "
                                      "RETURNING INTO) by hand; NO_DATA_FOUND differs from T-SQL")
    return _literal_dynamic(conv, sql_text, depth, params, values, outs)
