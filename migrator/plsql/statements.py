"""Procedural statement handlers: one function per T-SQL statement keyword.

Each handler takes (converter, Statement, depth) and returns PL/SQL lines, or raises
``Unconvertible`` (the converter then keeps the statement under a TODO marker).
Rule ids (TS06xx) are documented in the ``rules`` package.
"""

from __future__ import annotations

import re

from sqlglot import exp

from migrator.frontend.dialect import word
from migrator.frontend.segment import parse_statement
from migrator.names import var_name
from migrator.rulebook import Unconvertible

IND = "  "


def _pad(depth: int) -> str:
    return IND * depth


def _words(node) -> list[str]:
    return [word(t) for t in node.tokens]


def _parse(conv, node) -> exp.Expression:
    if node.expr is None and node.error is None:
        from migrator.plsql.converter import var_tokens

        var_tokens(node.tokens)
        if node.tokens:
            node.tokens[0].comments = []
            node.tokens[-1].comments = []
        parse_statement(node, conv.batch.text)
    if node.expr is None:
        raise Unconvertible("TS0001", f"T-SQL the parser could not read: {node.error}")
    if isinstance(node.expr, exp.Command):
        raise Unconvertible("TS0001", f"statement not understood: {node.text.split(chr(10))[0][:60]}")
    return node.expr.copy()


def _var(conv, name: str) -> str:
    v = conv.scope.variables.get(name.lstrip("@").casefold())
    if v is None:
        raise Unconvertible("TS0610", f"variable @{name.lstrip('@')} is not declared")
    return v.name


def _is_var(e) -> bool:
    return isinstance(e, exp.Parameter) and isinstance(e.this, exp.Var)


def _needs_query(e: exp.Expression) -> bool:
    return e.find(exp.Select, exp.Subquery, exp.Exists) is not None


_DATE_TYPES = {"date", "datetime", "datetime2", "smalldatetime", "datetimeoffset"}


def typed_literal(conv, e: exp.Expression, tsql_type: str | None) -> exp.Expression:
    """A string literal given to a date/time variable or parameter → an Oracle DATE/TIMESTAMP
    literal (rule TS0262's formats: ``YYYYMMDD``, ISO 8601; ``M/D/YYYY`` with a note). T-SQL
    converts the string with its own unambiguous rules; Oracle would use the session's
    ``NLS_DATE_FORMAT``/``NLS_TIMESTAMP_FORMAT`` (ORA-01861 / ORA-01840 at run time)."""
    if not tsql_type or not (isinstance(e, exp.National) or (isinstance(e, exp.Literal) and e.is_string)):
        return e
    base = tsql_type.strip().split("(")[0].strip().strip("[]").lower()
    if base not in _DATE_TYPES:
        return e
    from rules.ts0262_date_literals import to_date

    out = to_date(e, conv.ctx, None)
    if out is not e:
        conv.ctx.fixed("TS0262", None, f"date string '{e.name}' for a {base} variable or parameter → typed literal")
    return out


def var_type_of(conv, target: str) -> str | None:
    """T-SQL type of the PL/SQL variable or parameter named ``target``."""
    var = next((v for v in conv.scope.variables.values() if v.name == target), None)
    return var.tsql_type if var is not None else None


def assign(conv, target: str, e: exp.Expression, depth: int) -> str:
    """``target := e;`` — or ``SELECT e INTO target FROM DUAL;`` when e holds a subquery
    (PL/SQL expressions cannot; a scalar subquery with no row gives NULL, as in T-SQL)."""
    pad = _pad(depth)
    e = typed_literal(conv, e, var_type_of(conv, target))
    e = _truncate_for_integer(conv, target, e)
    if _needs_query(e):
        q = exp.select(e.copy()).from_("DUAL")
        return _indent(conv.sql(q, into=[target]) + ";", pad) + "\n"
    return f"{pad}{target} := {conv.expr(e)};\n"


def _truncate_for_integer(conv, target: str, e: exp.Expression) -> exp.Expression:
    """T-SQL truncates a decimal assigned to an integer variable; PL/SQL NUMBER(p) rounds.
    Wrap a value not known to be an integer in TRUNC (CAST to an integer type already is)."""
    from migrator.typing import INTEGER, infer

    var = next((v for v in conv.scope.variables.values() if v.name == target), None)
    if var is None or not var.tsql_type:
        return e
    base = var.tsql_type.upper().split("(")[0].strip().strip("[]")
    if base not in {"INT", "BIGINT", "SMALLINT", "TINYINT", "INTEGER"}:
        return e
    conv.ctx.variable_types = {k: v.tsql_type for k, v in conv.scope.variables.items()}
    fam = infer(e, conv.ctx)
    if fam == INTEGER or isinstance(e, exp.Null) or (fam is None and not isinstance(e, (exp.Div, exp.Mul, exp.Add,
                                                                                        exp.Sub))):
        return e
    if isinstance(e, exp.Cast):
        return e
    return exp.Anonymous(this="TRUNC", expressions=[e.copy()])


def _indent(text: str, pad: str) -> str:
    return "\n".join(pad + line if line.strip() else line for line in text.split("\n"))


# --- DECLARE / SET ------------------------------------------------------------------------

def declare(conv, node, depth):
    w = _words(node)
    if len(w) > 2 and w[2] == "CURSOR" or (len(w) > 3 and w[1] != "" and "CURSOR" in w[2:4]
                                              and not node.tokens[1].text.startswith("@")):
        return declare_cursor(conv, node, depth)
    if len(w) in {4, 5} and node.tokens[1].text == "@" and w[3] == "CURSOR" and (len(w) == 4 or w[4] == ";"):
        return declare_cursor_variable(conv, node.tokens[2].text)
    tree = _parse(conv, node)
    if not isinstance(tree, exp.Declare):
        raise Unconvertible("TS0610", "DECLARE form not understood")
    out = ""
    for item in tree.expressions:
        names = item.this if isinstance(item.this, list) else [item.this]
        kind = item.args.get("kind")
        for n in names:
            raw = n.this.name if isinstance(n, exp.Parameter) else n.name
            if isinstance(kind, exp.Schema):
                raise Unconvertible("TS0670", f"table variable @{raw}: temp tables and table variables are not "
                                              "converted yet")
            tsql_type = kind.meta.get("tsql") or kind.sql(dialect="tsql")
            oname = var_name(raw, getattr(conv.project.config, "var_prefix", "v_"))
            if raw.casefold() in conv.scope.variables and conv.scope.variables[raw.casefold()].kind != "param":
                pass  # T-SQL forbids redeclaring in one batch; keep the first declaration
            else:
                conv.scope.variables[raw.casefold()] = _make_var(oname, tsql_type)
                conv.scope.declarations.append(f"{oname} {conv.var_type(tsql_type)};")
            default = item.args.get("default")
            if isinstance(default, exp.Expression):
                out += assign(conv, oname, default, depth)
    return out


def _make_var(name, tsql_type, kind="var"):
    from migrator.plsql.converter import Var

    return Var(name, tsql_type, kind)


def set_(conv, node, depth):
    w = _words(node)
    toks = node.tokens
    if len(toks) >= 2 and toks[1].text == "@" or (len(toks) >= 2 and toks[1].text.startswith("@")):
        # SET @x = expr / SET @x += expr
        name_i = 2 if toks[1].text == "@" else 1
        name = toks[name_i].text.lstrip("@")
        op_i = name_i + 1
        op = toks[op_i].text if op_i < len(toks) else ""
        if op == "=":
            rhs = toks[op_i + 1:]
            compound = None
        elif op in {"+", "-", "*", "/", "%", "&", "|", "^"} and op_i + 1 < len(toks) and toks[op_i + 1].text == "=":
            rhs = toks[op_i + 2:]
            compound = op
        else:
            raise Unconvertible("TS0610", "SET form not understood")
        if rhs and word(rhs[0]) == "CURSOR" and not compound:
            return set_cursor_variable(conv, name, rhs, node)
        exprs = conv.parse_expr_tokens(rhs)
        if len(exprs) != 1:
            raise Unconvertible("TS0610", "SET with more than one expression")
        value = exprs[0]
        if compound:
            cls = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul, "/": exp.Div, "%": exp.Mod}.get(compound)
            if cls is None:
                raise Unconvertible("TS0610", f"compound operator {compound}= has no PL/SQL form here")
            if not isinstance(value, (exp.Literal, exp.National, exp.Parameter, exp.Column, exp.Func, exp.Paren, exp.Null, exp.Var)):
                value = exp.Paren(this=value)
            value = cls(this=exp.Parameter(this=exp.Var(this=name)), expression=value)
        return assign(conv, _var(conv, name), value, depth)
    option = w[1] if len(w) > 1 else ""
    merged = [x for x in w[2:] if x in _MERGED_STATEMENT]
    if merged and option != "TRANSACTION":
        raise Unconvertible("TS0640", f"SET {option} followed by {merged[0]} … in one statement (no ';' between "
                                      "them): split the statements by hand")
    if option in SET_OPTION_WORDS or option == "TRANSACTION":
        values = [x for x in w[2:] if x not in {",", ";"}]
        if option == "ROWCOUNT":
            return _set_rowcount(conv, node, depth)
        semantic = _SEMANTIC_OPTIONS.get((option, values[-1] if values else ""), _SEMANTIC_OPTIONS.get((option, "*")))
        if semantic:
            conv.ctx.note("TS0640", None, f"SET {option} {' '.join(values)} removed: {semantic}")
        elif option == "XACT_ABORT":
            conv.ctx.note("TS0640", None, "SET XACT_ABORT removed: in Oracle an unhandled error rolls back the "
                                          "failed call's work to its implicit savepoint, not the whole transaction")
        elif option == "TRANSACTION":
            conv.ctx.note("TS0640", None, "SET TRANSACTION ISOLATION LEVEL removed: Oracle reads are consistent "
                                          "(READ COMMITTED by default; SERIALIZABLE via SET TRANSACTION)")
        else:
            conv.ctx.fixed("TS0640", None, f"SET {option} removed (no Oracle equivalent needed)")
        return f"{_pad(depth)}NULL; -- SET {option} removed\n" if depth and _only_statement(node) else ""
    if option == "IDENTITY_INSERT":
        conv.ctx.note("TS0640", None, "SET IDENTITY_INSERT removed: identity columns are GENERATED BY DEFAULT, "
                                      "explicit values insert as they are")
        return ""
    raise Unconvertible("TS0640", f"SET {option} has no Oracle equivalent")


def _only_statement(node) -> bool:
    return False


def _set_rowcount(conv, node, depth) -> str:
    """``SET ROWCOUNT n`` … ``SET ROWCOUNT 0`` in the routine's own statement list: the result
    sets in between get ``FETCH FIRST n ROWS ONLY`` (dml.select); any other SQL statement in
    between, or SET ROWCOUNT inside IF/WHILE or with a variable, is a TODO (it limited those too)."""
    toks = [t for t in node.tokens[2:] if t.text != ";"]
    n = toks[0].text if len(toks) == 1 and toks[0].token_type.name == "NUMBER" else None
    if n == "0" and not getattr(conv, "rowcount_limit", None):
        conv.ctx.fixed("TS0640", None, "SET ROWCOUNT 0 removed (no limit)")
        return ""
    if n is None or depth != 1:
        raise Unconvertible("TS0640", "SET ROWCOUNT n here (a variable, inside IF/WHILE, or between script "
                                      "statements) limits the rows of the statements that follow: add FETCH FIRST n "
                                      "ROWS ONLY to them by hand")
    conv.rowcount_limit = int(n) or None
    if n != "0":
        conv.ctx.fixed("TS0640", None, f"SET ROWCOUNT {n} → FETCH FIRST {n} ROWS ONLY on the result sets that follow")
    else:
        conv.ctx.fixed("TS0640", None, "SET ROWCOUNT 0 removed (no limit)")
    return ""


def rowcount_guard(conv, node) -> None:
    """Statements under ``SET ROWCOUNT n`` other than result sets: T-SQL stops them after n
    rows too; not converted by the rules (TODO)."""
    if not getattr(conv, "rowcount_limit", None):
        return
    if node.keyword in {"INSERT", "UPDATE", "DELETE", "MERGE", "EXEC", "EXECUTE", "WITH", "FETCH", "OPEN"}:
        raise Unconvertible("TS0640", f"{node.keyword} under SET ROWCOUNT {conv.rowcount_limit}: T-SQL stops it after "
                                      f"{conv.rowcount_limit} rows; add the limit by hand")


# words that start another statement: a SET option statement never holds them (the segmenter merges
# ``SET NOCOUNT ON`` + a DML statement without ';' when it cannot tell them apart)
_MERGED_STATEMENT = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "EXEC", "EXECUTE", "PRINT", "IF", "WHILE",
                     "DECLARE", "BEGIN", "RETURN", "RAISERROR", "THROW", "TRUNCATE", "WAITFOR", "GOTO", "FETCH",
                     "OPEN", "CLOSE", "DEALLOCATE", "COMMIT", "ROLLBACK", "SAVE", "CREATE", "DROP", "ALTER"}

# SET options whose removal changes what later statements do: (option, value or "*") -> the difference
_SEMANTIC_OPTIONS = {
    ("ANSI_NULLS", "OFF"): "with ANSI_NULLS OFF T-SQL treated '= NULL' as IS NULL; Oracle never does",
    ("CONCAT_NULL_YIELDS_NULL", "OFF"): "T-SQL treated NULL as '' in + concatenation; Oracle || does the same, "
                                        "but check string + operands the conversion marked",
    ("ANSI_WARNINGS", "OFF"): "T-SQL returned NULL for divide by zero / overflow and truncated strings silently; "
                              "Oracle raises errors",
    ("ARITHABORT", "OFF"): "T-SQL went on after arithmetic errors; Oracle raises them",
    ("ARITHIGNORE", "ON"): "T-SQL returned NULL for arithmetic errors; Oracle raises them",
    ("DATEFORMAT", "*"): "T-SQL read later date strings in this order; the conversion reads them with fixed formats "
                         "(YYYYMMDD, ISO 8601; M/D/YYYY as month first, noted)",
    ("DATEFIRST", "*"): "DATEPART(weekday) / DATENAME numbering depended on it; check the converted weekday logic",
    ("LANGUAGE", "*"): "month/day names and date string order depended on it; Oracle uses NLS_DATE_LANGUAGE",
    ("LOCK_TIMEOUT", "*"): "T-SQL waited at most this long for locks; Oracle waits without limit (use "
                           "SELECT … FOR UPDATE WAIT n where it matters)",
    ("IMPLICIT_TRANSACTIONS", "ON"): "T-SQL opened a transaction that the caller must commit; Oracle always does so "
                                     "(same effect), but COMMIT/ROLLBACK placement should be checked",
    ("TEXTSIZE", "*"): "T-SQL truncated LOB values returned to the client at this size; Oracle does not",
    ("NOEXEC", "ON"): "T-SQL compiled but did not run the later statements; Oracle runs them",
    ("PARSEONLY", "ON"): "T-SQL only parsed the later statements; Oracle runs them",
    ("FMTONLY", "ON"): "T-SQL returned only result set metadata; Oracle runs the statements",
}


from migrator.plsql.converter import SET_OPTIONS as SET_OPTION_WORDS  # noqa: E402


# --- simple procedural statements -------------------------------------------------------

def print_(conv, node, depth):
    exprs = conv.parse_expr_tokens(node.tokens[1:])
    if len(exprs) != 1:
        raise Unconvertible("TS0640", "PRINT form not understood")
    e = exprs[0]
    if _needs_query(e):
        conv.scope.temp_counter += 1
        tmp = f"v_print{conv.scope.temp_counter}"
        conv.scope.declarations.append(f"{tmp} VARCHAR2(32767);")
        return assign(conv, tmp, e, depth) + f"{_pad(depth)}DBMS_OUTPUT.PUT_LINE({tmp});\n"
    return f"{_pad(depth)}DBMS_OUTPUT.PUT_LINE({conv.expr(e)});\n"


def return_(conv, node, depth):
    pad = _pad(depth)
    rest = node.tokens[1:]
    if not rest:
        if conv.is_function:
            raise Unconvertible("TS0600", "RETURN without a value in a function")
        return f"{pad}RETURN;\n"
    exprs = conv.parse_expr_tokens(rest)
    e = exprs[0]
    if conv.is_function:
        if _needs_query(e):
            conv.scope.temp_counter += 1
            tmp = f"v_return{conv.scope.temp_counter}"
            conv.scope.declarations.append(f"{tmp} {conv.ret_var_type()};")
            return assign(conv, tmp, e, depth) + f"{pad}RETURN {tmp};\n"
        return f"{pad}RETURN {conv.expr(e)};\n"
    if conv.in_script:
        raise Unconvertible("TS0600", "RETURN with a value in a script")
    conv.status_out = True
    return assign(conv, "p_return_status", e, depth) + f"{pad}RETURN;\n"


def break_(conv, node, depth):
    return f"{_pad(depth)}EXIT;\n"


def continue_(conv, node, depth):
    return f"{_pad(depth)}CONTINUE;\n"


def goto(conv, node, depth):
    name = node.tokens[1].text
    labels = getattr(conv, "label_paths", {})
    if name.casefold() not in labels:
        raise Unconvertible("TS0640", f"GOTO {name}: no label {name}: in this routine")
    target, here = labels[name.casefold()], conv.goto_paths.get(id(node), ())
    if here[:len(target)] != target:
        raise Unconvertible("TS0640", f"GOTO {name} jumps into an IF, loop or TRY/CATCH body: PL/SQL GOTO may only "
                                      "reach a label in the same or an enclosing block; restructure by hand")
    return f"{_pad(depth)}GOTO {name.lower()};\n"


SLEEP_MAX = 3600  # DBMS_SESSION.SLEEP raises ORA-38148 above 3600 seconds per call


def waitfor(conv, node, depth):
    """``WAITFOR DELAY 'hh:mm[:ss[.fff]]'`` → ``DBMS_SESSION.SLEEP`` in calls of at most an hour;
    ``WAITFOR TIME 'hh:mm[:ss]'`` → sleep until that time today (tomorrow when it has passed)."""
    w = _words(node)
    pad = _pad(depth)
    if len(w) == 3 and w[1] in {"DELAY", "TIME"} and node.tokens[2].token_type.name in {"STRING", "NATIONAL_STRING"}:
        m = re.fullmatch(r"(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?", node.tokens[2].text.strip())
        if m and int(m.group(1)) < 24 and int(m.group(2)) < 60 and int(m.group(3) or 0) < 60:
            h, mi, s, frac = m.groups()
            secs = int(h) * 3600 + int(mi) * 60 + int(s or 0) + (float("0." + frac) if frac else 0)
            if w[1] == "TIME":
                return _wait_until(conv, secs, node.tokens[2].text.strip(), depth)
            conv.ctx.fixed("TS0640", None, "WAITFOR DELAY → DBMS_SESSION.SLEEP")
            if secs == 0:
                return f"{pad}NULL; -- WAITFOR DELAY '{node.tokens[2].text.strip()}'\n"
            if secs <= SLEEP_MAX:
                return f"{pad}DBMS_SESSION.SLEEP({secs:g});\n"
            hours, rest = divmod(secs, SLEEP_MAX)
            note = f"-- DBMS_SESSION.SLEEP takes at most {SLEEP_MAX} s a call (ORA-38148)"
            out = f"{pad}DBMS_SESSION.SLEEP({SLEEP_MAX}); {note}\n" if hours == 1 else \
                (f"{pad}FOR i IN 1 .. {int(hours)} LOOP {note}\n{pad}{IND}DBMS_SESSION.SLEEP({SLEEP_MAX});\n"
                 f"{pad}END LOOP;\n")
            return out + (f"{pad}DBMS_SESSION.SLEEP({round(rest, 3):g});\n" if rest else "")
    raise Unconvertible("TS0640", "WAITFOR form not converted (only WAITFOR DELAY / TIME with a literal "
                                  "'hh:mm[:ss]')")


def _wait_until(conv, secs: float, text: str, depth: int) -> str:
    """Sleep until a time of day: today, or tomorrow when it has passed (T-SQL WAITFOR TIME)."""
    pad = _pad(depth)
    for decl in ("v_wait_until DATE;", "v_wait_seconds NUMBER;"):
        if decl not in conv.scope.declarations:
            conv.scope.declarations.append(decl)
    conv.ctx.fixed("TS0640", None, "WAITFOR TIME → DBMS_SESSION.SLEEP until that time of day (SYSDATE: the database "
                                   "server's clock, as GETDATE() read SQL Server's), at most an hour per call")
    frac = " (fractions of a second dropped)" if secs != int(secs) else ""
    return (f"{pad}v_wait_until := TRUNC(SYSDATE) + {int(secs)} / 86400; -- WAITFOR TIME '{text}'{frac}\n"
            f"{pad}IF v_wait_until < SYSDATE THEN\n"
            f"{pad}{IND}v_wait_until := v_wait_until + 1; -- passed today: tomorrow\n"
            f"{pad}END IF;\n"
            f"{pad}LOOP\n"
            f"{pad}{IND}v_wait_seconds := ROUND((v_wait_until - SYSDATE) * 86400);\n"
            f"{pad}{IND}EXIT WHEN v_wait_seconds <= 0;\n"
            f"{pad}{IND}DBMS_SESSION.SLEEP(LEAST(v_wait_seconds, {SLEEP_MAX}));\n"
            f"{pad}END LOOP;\n")


# --- errors ----------------------------------------------------------------------------

def error_number(n: int) -> int:
    """Deterministic user error number mapping: T-SQL 50000–50999 → -20000…-20999;
    any other number n → -20000 - (n mod 1000). Documented in rules/ts0620_errors.py."""
    return -20000 - (n % 1000) if n != 50000 else -20000


def _format_message(conv, msg: exp.Expression, args: list[exp.Expression]) -> str:
    """RAISERROR/FORMATMESSAGE %s/%d substitution, by concatenation for literal formats."""
    if not args:
        return conv.expr(msg)
    if isinstance(msg, exp.Literal) and msg.is_string or isinstance(msg, exp.National):
        fmt = msg.name
        parts = re.split(r"(%-?\d*(?:\.\d+)?[sdiuxXo])", fmt)
        pieces, ai = [], 0
        for p in parts:
            if re.fullmatch(r"%-?\d*(?:\.\d+)?[sdiuxXo]", p or ""):
                if ai >= len(args):
                    raise Unconvertible("TS0620", "RAISERROR format has more placeholders than arguments")
                a = conv.expr(args[ai])
                pieces.append(f"TO_CHAR({a})" if p[-1] != "s" else a)
                ai += 1
            elif p:
                pieces.append("'" + p.replace("'", "''").replace("%%", "%") + "'")
        return " || ".join(pieces) if pieces else "''"
    conv.ctx.note("TS0620", None, "RAISERROR with a message variable and arguments: UTL_LMS.FORMAT_MESSAGE "
                                  "substitutes %s/%d like T-SQL")
    return "UTL_LMS.FORMAT_MESSAGE(" + ", ".join([conv.expr(msg)] + [conv.expr(a) for a in args]) + ")"


def raiserror(conv, node, depth):
    pad = _pad(depth)
    toks = node.tokens[1:]
    opts = []
    # strip WITH NOWAIT / LOG / SETERROR
    for i, t in enumerate(toks):
        if word(t) == "WITH" and (i == 0 or toks[i - 1].text == ")"):
            opts = [word(x) for x in toks[i + 1:] if x.text != ","]
            toks = toks[:i]
            break
    if toks and toks[0].text == "(" and toks[-1].text == ")":
        toks = toks[1:-1]
    args = conv.parse_expr_tokens(toks)
    if len(args) < 3:
        raise Unconvertible("TS0620", "RAISERROR needs message, severity and state")
    msg, sev = args[0], args[1]
    if "LOG" in opts:
        conv.ctx.note("TS0620", None, "RAISERROR … WITH LOG: Oracle has no error log write here; log explicitly")
    severity = int(sev.name) if isinstance(sev, exp.Literal) and not sev.is_string else None
    if isinstance(msg, exp.Literal) and not msg.is_string:
        number = int(msg.name)
        text = f"'Error {number}'"
        code = error_number(number)
        conv.ctx.note("TS0620", None, f"RAISERROR({number}, …): the message text of sys.messages is not known; "
                                      f"raised as ORA{code}")
    else:
        text = _format_message(conv, msg, args[3:])
        code = -20000
    if severity is not None and severity <= 10:
        conv.ctx.fixed("TS0620", None, "RAISERROR with severity ≤ 10 is informational → DBMS_OUTPUT")
        return f"{pad}DBMS_OUTPUT.PUT_LINE({text});\n"
    if severity is None:
        conv.ctx.note("TS0620", None, "RAISERROR severity is not a literal: treated as an error (severity > 10)")
    nxt = getattr(conv, "next_node", None)
    if not getattr(conv, "in_try", 0) and nxt is not None and not (
            getattr(nxt, "keyword", "") in {"RETURN", "ROLLBACK", "THROW", "RAISERROR", "COMMIT"}):
        conv.ctx.note("TS0620", None, "RAISERROR outside TRY does not stop T-SQL: the statements after it ran; "
                                      "RAISE_APPLICATION_ERROR stops here (move them before it if they must run)")
    return f"{pad}RAISE_APPLICATION_ERROR({code}, {text});\n"


def throw(conv, node, depth):
    pad = _pad(depth)
    if len(node.tokens) == 1:
        if not getattr(conv, "in_catch", 0):
            raise Unconvertible("TS0620", "THROW without arguments outside CATCH")
        return f"{pad}RAISE;\n"
    args = conv.parse_expr_tokens(node.tokens[1:])
    if len(args) != 3:
        raise Unconvertible("TS0620", "THROW needs number, message and state")
    num, msg = args[0], args[1]
    if isinstance(num, exp.Literal) and not num.is_string:
        code = error_number(int(num.name))
    else:
        conv.ctx.note("TS0620", None, "THROW with a computed error number: raised as -20000")
        code = -20000
    return f"{pad}RAISE_APPLICATION_ERROR({code}, {conv.expr(msg)});\n"


# --- transactions ------------------------------------------------------------------------

def _tran_name(conv, node) -> tuple[str | None, str]:
    """(Oracle name, T-SQL key: casefold, '@' for a variable) after ROLLBACK/SAVE TRAN[SACTION]."""
    toks = node.tokens
    w = _words(node)
    i = 2 if len(w) > 1 and w[1] in {"TRAN", "TRANSACTION", "WORK"} else None
    if i is None or i >= len(toks) or toks[i].text == ";":
        return None, ""
    if toks[i].text == "@" and i + 1 < len(toks):
        return _var(conv, toks[i + 1].text), "@" + toks[i + 1].text.casefold()
    if toks[i].text.startswith("@"):
        return _var(conv, toks[i].text), toks[i].text.casefold()
    return toks[i].text, toks[i].text.casefold()


def _savepoints(conv) -> set:
    if not hasattr(conv, "savepoints"):
        conv.savepoints = set()
    return conv.savepoints


def begin_tran(conv, node, depth):
    conv.ctx.fixed("TS0650", None, "BEGIN TRANSACTION removed: Oracle starts transactions implicitly")
    return ""


def commit(conv, node, depth):
    if conv.is_function:
        raise Unconvertible("TS0650", "COMMIT inside a function")
    conv.ctx.note("TS0650", None, "COMMIT: T-SQL commits only when the outermost BEGIN TRAN ends (@@TRANCOUNT = 1); "
                                  "Oracle COMMIT always ends the whole transaction")
    return f"{_pad(depth)}COMMIT;\n"


def rollback(conv, node, depth):
    pad = _pad(depth)
    if conv.is_function:
        raise Unconvertible("TS0650", "ROLLBACK inside a function")
    name, key = _tran_name(conv, node)
    if name and key in _savepoints(conv):
        conv.ctx.fixed("TS0650", None, "ROLLBACK TRAN savepoint → ROLLBACK TO SAVEPOINT")
        if key.startswith("@"):
            return f"{pad}EXECUTE IMMEDIATE 'ROLLBACK TO SAVEPOINT ' || DBMS_ASSERT.SIMPLE_SQL_NAME({name});\n"
        return f"{pad}ROLLBACK TO SAVEPOINT {name.upper()};\n"
    return f"{pad}ROLLBACK;\n"


def save(conv, node, depth):
    pad = _pad(depth)
    name, key = _tran_name(conv, node)
    if not name:
        raise Unconvertible("TS0650", "SAVE TRANSACTION without a name")
    _savepoints(conv).add(key)
    conv.ctx.fixed("TS0650", None, "SAVE TRANSACTION → SAVEPOINT")
    if key.startswith("@"):  # a savepoint name held in a variable: dynamic SQL, the name checked as an identifier
        return f"{pad}EXECUTE IMMEDIATE 'SAVEPOINT ' || DBMS_ASSERT.SIMPLE_SQL_NAME({name});\n"
    return f"{pad}SAVEPOINT {name.upper()};\n"


# --- cursors --------------------------------------------------------------------------------

_SCROLLING = {"SCROLL", "DYNAMIC", "KEYSET"}


def _cursor_query(conv, node, toks, name: str) -> str:
    """The converted SELECT of a cursor declaration (``toks``: options, FOR, query)."""
    from migrator.frontend.nodes import Statement

    i, opts = 0, []
    while i < len(toks) and word(toks[i]) != "FOR":
        opts.append(word(toks[i]))
        i += 1
    if i + 1 >= len(toks):
        raise Unconvertible("TS0680", f"cursor {name} without FOR select")
    if _SCROLLING & set(opts):
        conv.ctx.note("TS0680", None, f"cursor {name}: {'/'.join(o for o in opts if o in _SCROLLING)} has no "
                                      "PL/SQL form; converted as a forward-only cursor (FETCH NEXT only)")
    sel = Statement(node.span, node.text, tokens=toks[i + 1:], keyword=word(toks[i + 1]))
    tree = _parse(conv, sel)
    if not isinstance(tree, (exp.Select, exp.Union, exp.Except, exp.Intersect)):
        raise Unconvertible("TS0680", f"cursor {name}: FOR must be followed by a query")
    return conv.sql(tree)


def declare_cursor(conv, node, depth):
    """``DECLARE c CURSOR [LOCAL|GLOBAL] [FORWARD_ONLY|SCROLL] [STATIC|KEYSET|DYNAMIC|FAST_FORWARD]
    [READ_ONLY|SCROLL_LOCKS|OPTIMISTIC] FOR select`` → ``CURSOR c_c IS select;`` (declared after the
    variables: PL/SQL binds the variables the query uses at OPEN, as T-SQL does)."""
    toks = node.tokens
    name = toks[1].text
    conv.scope.cursors.setdefault(name.casefold(), None)  # known, even if its query fails to convert
    if len(toks) > 3 and word(toks[2]) == "INSENSITIVE":
        toks = toks[:2] + toks[3:]
    text = _cursor_query(conv, node, toks[3:] if word(toks[2]) == "CURSOR" else toks[2:], name)
    cname = var_name(name, "") if name.lower().startswith("c_") else var_name(name, "c_")
    conv.scope.cursors[name.casefold()] = cname
    conv.cursor_decls.append(f"CURSOR {cname} IS\n{_indent(text, IND * 2)};")
    conv.ctx.fixed("TS0680", None, f"cursor {name} → explicit cursor {cname.upper()}")
    return ""


def declare_cursor_variable(conv, raw: str) -> str:
    """``DECLARE @c CURSOR`` → ``v_c SYS_REFCURSOR;``: opened ``FOR`` its query at OPEN."""
    oname = var_name(raw, getattr(conv.project.config, "var_prefix", "v_"))
    conv.scope.variables[raw.casefold()] = _make_var(oname, "cursor", "cursor")
    conv.scope.declarations.append(f"{oname} SYS_REFCURSOR;")
    conv.scope.cursors["@" + raw.casefold()] = oname
    conv.ctx.fixed("TS0680", None, f"cursor variable @{raw} → SYS_REFCURSOR {oname.upper()}")
    return ""


def set_cursor_variable(conv, raw: str, rhs, node) -> str:
    """``SET @c = CURSOR … FOR select``: the query is kept for ``OPEN v_c FOR select``."""
    key = "@" + raw.casefold()
    if key not in conv.scope.cursors:
        raise Unconvertible("TS0680", f"cursor variable @{raw} is not declared as CURSOR")
    if not hasattr(conv, "cursor_queries"):
        conv.cursor_queries = {}
    conv.cursor_queries[key] = _cursor_query(conv, node, rhs[1:], "@" + raw)
    return ""


def _cursor_ref(toks, i) -> tuple[str, int]:
    """Cursor name at toks[i] (``c``, ``GLOBAL c``, ``@c``) → (lookup key, next index)."""
    if i < len(toks) and word(toks[i]) == "GLOBAL":
        i += 1
    if i < len(toks) and toks[i].text == "@" and i + 1 < len(toks):
        return "@" + toks[i + 1].text.casefold(), i + 2
    if i < len(toks) and toks[i].text.startswith("@"):
        return toks[i].text.casefold(), i + 1
    return (toks[i].text.casefold() if i < len(toks) else ""), i + 1


def _cursor(conv, key: str) -> str:
    if key in conv.scope.cursors and conv.scope.cursors[key] is None:
        raise Unconvertible("TS0680", f"cursor {key}: its DECLARE CURSOR was not converted (see the TODO there)")
    c = conv.scope.cursors.get(key)
    if c is None:
        raise Unconvertible("TS0680", f"cursor {key} is not declared in this routine")
    return c


def open_(conv, node, depth):
    key, _ = _cursor_ref(node.tokens, 1)
    cname = _cursor(conv, key)
    if key.startswith("@"):
        query = getattr(conv, "cursor_queries", {}).get(key)
        if query is None:
            raise Unconvertible("TS0680", f"OPEN {key}: the cursor variable is not SET to CURSOR FOR a query before")
        return f"{_pad(depth)}OPEN {cname} FOR\n{_indent(query, _pad(depth + 1))};\n"
    return f"{_pad(depth)}OPEN {cname};\n"


def close(conv, node, depth):
    key, _ = _cursor_ref(node.tokens, 1)
    return f"{_pad(depth)}CLOSE {_cursor(conv, key)};\n"


def deallocate(conv, node, depth):
    key, _ = _cursor_ref(node.tokens, 1)
    _cursor(conv, key)
    conv.ctx.fixed("TS0680", None, "DEALLOCATE removed (CLOSE releases a PL/SQL cursor)")
    return ""


def fetch(conv, node, depth):
    w = _words(node)
    toks = node.tokens
    i = 1
    if w[i] in {"NEXT", "PRIOR", "FIRST", "LAST", "ABSOLUTE", "RELATIVE"}:
        if w[i] != "NEXT":
            raise Unconvertible("TS0680", f"FETCH {w[i]}: PL/SQL cursors are forward-only (FETCH NEXT only)")
        i += 1
    if w[i] == "FROM":
        i += 1
    key, i = _cursor_ref(toks, i)
    cname = _cursor(conv, key)
    conv.scope.last_cursor = cname
    targets = []
    if i < len(w) and w[i] == "INTO":
        j = i + 1
        while j < len(toks):
            if toks[j].text == "@":
                targets.append(_var(conv, toks[j + 1].text))
                j += 2
            elif toks[j].text.startswith("@"):
                targets.append(_var(conv, toks[j].text))
                j += 1
            else:
                j += 1
    if not targets:
        raise Unconvertible("TS0680", "FETCH without INTO returns a row to the client: no PL/SQL form")
    return f"{_pad(depth)}FETCH {cname} INTO {', '.join(targets)};\n"


# --- EXEC ----------------------------------------------------------------------------------

def exec_(conv, node, depth):
    from migrator.plsql import calls

    return calls.exec_statement(conv, node, depth)


def begin(conv, node, depth):
    w = _words(node)
    if len(w) > 1 and w[1] in {"TRAN", "TRANSACTION", "DISTRIBUTED"}:
        return begin_tran(conv, node, depth)
    raise Unconvertible("TS0001", "BEGIN form not understood")


def select(conv, node, depth):
    from migrator.plsql import dml

    return dml.select(conv, node, depth)


def sql_statement(conv, node, depth):
    from migrator.plsql import dml

    return dml.sql_statement(conv, node, depth)


HANDLERS = {
    "DECLARE": declare, "SET": set_, "SELECT": select, "WITH": sql_statement,
    "PRINT": print_, "RETURN": return_, "BREAK": break_, "CONTINUE": continue_, "GOTO": goto,
    "WAITFOR": waitfor, "RAISERROR": raiserror, "THROW": throw,
    "BEGIN": begin, "COMMIT": commit, "ROLLBACK": rollback, "SAVE": save,
    "OPEN": open_, "CLOSE": close, "DEALLOCATE": deallocate, "FETCH": fetch,
    "EXEC": exec_, "EXECUTE": exec_,
}
