"""EXEC: procedure calls, dynamic SQL (EXEC(...), sp_executesql)."""

from __future__ import annotations

from sqlglot import exp

from migrator.frontend.dialect import word
from migrator.names import var_name
from migrator.rulebook import Unconvertible

IND = "  "


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


def exec_statement(conv, node, depth):
    pad = IND * depth
    toks = node.tokens[1:]
    if toks and toks[0].text == "(":
        return dynamic_exec(conv, node, toks, depth)
    status_var = None
    if len(toks) >= 3 and toks[0].text == "@" and toks[2].text == "=":
        status_var = toks[1].text
        toks = toks[3:]
    elif len(toks) >= 2 and toks[0].text.startswith("@") and toks[1].text == "=":
        status_var = toks[0].text
        toks = toks[2:]
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
        return sp_executesql(conv, node, toks[i:], depth)
    if name.lower().startswith(("sp_", "xp_")) and len(parts) <= 2:
        raise Unconvertible("TS0690", f"system procedure {name}: no Oracle equivalent (out of scope)")
    if len(parts) > 2:
        raise Unconvertible("TS0010", f"procedure in another database ({'.'.join(parts)})")
    if status_var:
        raise Unconvertible("TS0690", "EXEC @status = procedure: return status capture is not converted yet")
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
        if pname:
            args.append(f"{var_name(pname, getattr(conv.project.config, 'param_prefix', 'p_'))} => {value}")
        else:
            args.append(value)
    schema = conv.project.names.schema(parts[-2]) if len(parts) == 2 else None
    oname = conv.project.names.name(name)
    full = f"{schema}.{oname}" if schema else oname
    if name.casefold() not in conv.project.catalog.routines:
        conv.ctx.note("TS0690", None, f"procedure {name} is not in the project: check its converted signature")
    return f"{pad}{full}({', '.join(args)});\n" if args else f"{pad}{full};\n"


def dynamic_exec(conv, node, toks, depth):
    # EXEC ( expr ) — the string is T-SQL
    inner = toks[1:-1] if toks[-1].text == ")" else toks[1:]
    exprs = conv.parse_expr_tokens(inner)
    if len(exprs) == 1 and isinstance(exprs[0], (exp.Literal, exp.National)) and exprs[0].is_string:
        return _literal_dynamic(conv, exprs[0].name, [], depth)
    raise Unconvertible("TS0690", "EXEC(...) of SQL text built at run time: the text is T-SQL; convert the SQL it "
                                  "builds by hand (EXECUTE IMMEDIATE with binds)")


def _literal_dynamic(conv, sql_text: str, binds: list[str], depth: int, outs: set[int] | None = None) -> str:
    """Convert T-SQL held in a literal string and run it with EXECUTE IMMEDIATE."""
    from migrator.api import convert_fragment

    oracle = convert_fragment(sql_text, conv.project, conv.ctx)
    pad = IND * depth
    lit = oracle.replace("'", "''")
    using = ""
    if binds:
        using = " USING " + ", ".join(("OUT " if outs and i in outs else "") + b for i, b in enumerate(binds))
    conv.ctx.fixed("TS0690", None, "dynamic SQL in a literal converted and run with EXECUTE IMMEDIATE")
    return f"{pad}EXECUTE IMMEDIATE '{lit}'{using};\n"


def sp_executesql(conv, node, toks, depth):
    groups = _split_args(toks)
    if not groups:
        raise Unconvertible("TS0690", "sp_executesql without a statement")
    first = conv.parse_expr_tokens(groups[0])
    if not (len(first) == 1 and isinstance(first[0], (exp.Literal, exp.National)) and first[0].is_string):
        raise Unconvertible("TS0690", "sp_executesql of SQL text built at run time: the text is T-SQL; convert the "
                                      "SQL it builds by hand (EXECUTE IMMEDIATE with binds)")
    sql_text = first[0].name
    params: list[str] = []
    if len(groups) > 1:
        decl = conv.parse_expr_tokens(groups[1])
        if not (len(decl) == 1 and isinstance(decl[0], (exp.Literal, exp.National))):
            raise Unconvertible("TS0690", "sp_executesql parameter list is not a literal")
        params = [p.strip().split()[0].lstrip("@") for p in decl[0].name.split(",") if p.strip()]
    values: dict[str, str] = {}
    outs: set[int] = set()
    for g in groups[2:]:
        out = word(g[-1]) in {"OUTPUT", "OUT"}
        if out:
            g = g[:-1]
        if len(g) >= 3 and g[0].text == "@" and g[2].text == "=":
            pname, g = g[1].text, g[3:]
        else:
            raise Unconvertible("TS0690", "sp_executesql positional parameter values")
        e = conv.parse_expr_tokens(g)[0]
        values[pname.casefold()] = conv.expr(e)
        if out:
            outs.add([p.casefold() for p in params].index(pname.casefold()) if pname.casefold() in
                     [p.casefold() for p in params] else -1)
    # binds by position in the SQL text: Oracle binds dynamic SQL positionally (by order of appearance)
    import re

    order = [m.group(1) for m in re.finditer(r"@(\w+)", sql_text) if m.group(1).casefold() in
             {p.casefold() for p in params}]
    if len(set(o.casefold() for o in order)) != len(order):
        raise Unconvertible("TS0690", "a bind used twice in dynamic SQL (Oracle binds by position)")
    binds = []
    for o in order:
        if o.casefold() not in values:
            raise Unconvertible("TS0690", f"no value for bind @{o}")
        binds.append(values[o.casefold()])
    text = sql_text
    for o in order:
        text = re.sub(rf"@{o}\b", f":{o.lower()}", text)
    out_pos = {order.index(p) for p in [params[i] for i in outs if i >= 0]} if outs else set()
    return _literal_dynamic(conv, text, binds, depth, out_pos)
