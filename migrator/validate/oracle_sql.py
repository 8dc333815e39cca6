"""SQL checks: a sqlglot Oracle dialect we own, plus token checks for what Oracle rejects.

Stock sqlglot's Oracle parser is lenient: it accepts ``TOP``, ``[ident]``, ``@var``, ``LIMIT``,
``AS`` before a table alias and ``SELECT`` without ``FROM``. ``token_checks`` reports those
with Oracle's codes; ``parse`` reports what the grammar itself refuses.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.dialects.oracle import Oracle
from sqlglot.errors import ErrorLevel, ParseError
from sqlglot.tokens import TokenType

from migrator.validate.core import Tok


class OracleV(Oracle):
    """sqlglot's Oracle dialect with the PL/SQL-embedded SQL bits it lacks (``**``)."""

    class Tokenizer(Oracle.Tokenizer):
        KEYWORDS = {**Oracle.Tokenizer.KEYWORDS, "**": TokenType.DSTAR}

    class Parser(Oracle.Parser):
        EXPONENT = {**Oracle.Parser.EXPONENT, TokenType.DSTAR: exp.Pow}
        FUNCTION_PARSERS = {**Oracle.Parser.FUNCTION_PARSERS,
                            "XMLSERIALIZE": lambda self: self._parse_xmlserialize()}

        def _parse_xmlserialize(self) -> exp.Expression:
            """XMLSERIALIZE({DOCUMENT|CONTENT} expr [AS type] [ENCODING ...] [VERSION ...]
            [NO INDENT | INDENT [SIZE = n]] [HIDE|SHOW DEFAULTS])."""
            self._match_texts(("DOCUMENT", "CONTENT"))
            value = self._parse_assignment()
            if value is None:
                self.raise_error("Invalid expression / missing XMLSERIALIZE value")
            args = [value]
            if self._match(TokenType.ALIAS):
                args.append(self._parse_types())
            depth = 0
            while self._curr and not (depth == 0 and self._curr.token_type == TokenType.R_PAREN):
                depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(self._curr.token_type, 0)
                self._advance()
            return exp.Anonymous(this="XMLSERIALIZE", expressions=[a for a in args if a is not None])


_CURRENT_OF = re.compile(r"\bWHERE\s+CURRENT\s+OF\s+[\w$#\"]+", re.I)

SQL_COMMANDS = {"SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "ALTER", "DROP", "TRUNCATE",
                "GRANT", "REVOKE", "COMMENT", "RENAME", "LOCK", "COMMIT", "ROLLBACK", "SAVEPOINT", "SET",
                "ANALYZE", "AUDIT", "NOAUDIT", "FLASHBACK", "PURGE", "CALL", "EXPLAIN", "ASSOCIATE",
                "DISASSOCIATE", "ADMINISTER", "VALUES", "("}


def parse(sql: str) -> tuple[list[exp.Expression] | None, tuple[str, int, int, str] | None]:
    """Parse ``sql``; return (trees, None) or (None, (message, line, col, code)) relative to ``sql``."""
    masked = _CURRENT_OF.sub(lambda m: "WHERE 1 = 1" + " " * (len(m.group(0)) - 11) if len(m.group(0)) >= 11
                             else m.group(0), sql)
    try:
        trees = sqlglot.parse(masked, read=OracleV, error_level=ErrorLevel.RAISE)
        return trees, None
    except ParseError as err:
        e = err.errors[0] if err.errors else {}
        desc = (e.get("description") or str(err)).split("\n")[0]
        line, col = e.get("line") or 1, e.get("col") or 1
        hl = e.get("highlight") or ""
        col = max(1, col - len(hl) + 1) if hl else col
        code = "ORA-00907" if "Expecting )" in desc else "ORA-00936" if "Invalid expression" in desc \
            or "missing" in desc.lower() else "ORA-00933"
        return None, (f"{desc} near \"{hl}\"" if hl else desc, line, col, code)
    except Exception as err:  # tokenizer errors and sqlglot internals
        return None, (str(err).split("\n")[0][:200], 1, 1, "ORA-00933")


_FROM_END = {"WHERE", "GROUP", "HAVING", "ORDER", "CONNECT", "START", "UNION", "INTERSECT", "MINUS", "EXCEPT",
             "ON", "USING", "FETCH", "OFFSET", "FOR", "MODEL", "WINDOW", "INTO", "SET", "VALUES", "RETURNING",
             "LOG", "WHEN", "PIVOT", "UNPIVOT", "SELECT"}
_SET_OPS = {"UNION", "INTERSECT", "MINUS", "EXCEPT"}


def token_checks(toks: list[Tok], s: int, e: int) -> list[tuple[str, str, Tok, str]]:
    """(code, message, token, severity) for T-SQL-isms Oracle rejects, in toks[s:e]."""
    out: list[tuple[str, str, Tok, str]] = []
    frames = [{"clause": None, "select": None, "from": False}]
    first = toks[s].up if s < e else ""
    stmt = first

    def close(frame):
        if frame["select"] is not None and not frame["from"]:
            out.append(("ORA-00923", "FROM keyword not found where expected (Oracle needs FROM; use FROM DUAL)",
                        frame["select"], "error"))
        frame["select"] = None

    for k in range(s, e):
        tok = toks[k]
        prev = toks[k - 1] if k > s else None
        nxt = toks[k + 1] if k + 1 < e else None
        fr = frames[-1]
        kind, word = tok.kind, (tok.up if tok.kind == "NAME" else "")
        if kind == "L_PAREN":
            frames.append({"clause": None, "select": None, "from": False})
            continue
        if kind == "R_PAREN":
            if len(frames) > 1:
                close(frames.pop())
            continue
        if kind == "L_BRACKET":
            out.append(("ORA-00936", "missing expression: [bracketed] names are T-SQL; Oracle quotes names "
                        "with double quotes", tok, "error"))
        elif kind == "PARAMETER":
            out.append(("ORA-00936", "missing expression: @variables are T-SQL; use a PL/SQL variable or a "
                        "bind :name", tok, "error"))
        elif kind == "HASH":
            out.append(("ORA-00911", "invalid character '#': #temp tables are T-SQL; use a global temporary "
                        "table or a collection", tok, "error"))
        if kind != "NAME":
            continue
        if word == "SELECT":
            close(fr)
            fr["select"], fr["from"], fr["clause"] = tok, False, "SELECT"
            j = k + 1
            while j < e and toks[j].kind == "NAME" and toks[j].up in ("DISTINCT", "ALL", "UNIQUE"):
                j += 1
            if j < e and toks[j].kind == "NAME" and toks[j].up == "TOP" and j + 1 < e \
                    and toks[j + 1].kind in ("NUMBER", "L_PAREN"):
                out.append(("ORA-00923", "FROM keyword not found where expected: TOP n is T-SQL; use "
                            "FETCH FIRST n ROWS ONLY", toks[j], "error"))
        elif word == "FROM":
            fr["from"] = True
            fr["clause"] = "FROM"
            if stmt == "UPDATE" and len(frames) == 1:
                out.append(("ORA-00933", "SQL command not properly ended: UPDATE ... FROM is T-SQL; use MERGE "
                            "or a correlated subquery", tok, "error"))
            if stmt == "DELETE" and len(frames) == 1 and prev is not None and prev.up != "DELETE" \
                    and k > s + 1 and toks[s + 1].up != "FROM":
                out.append(("ORA-00933", "SQL command not properly ended: DELETE t FROM ... is T-SQL",
                            tok, "error"))
        elif word == "JOIN":
            fr["clause"] = "FROM"
        elif word in _SET_OPS:
            close(fr)
            fr["clause"] = None
        elif word in _FROM_END:
            if fr["clause"] in ("FROM", "WHERE", None, "SELECT"):
                fr["clause"] = word
        elif word == "AS" and fr["clause"] == "FROM" and prev is not None \
                and prev.kind in ("NAME", "QNAME", "R_PAREN") and nxt is not None and nxt.up != "OF" \
                and nxt.kind in ("NAME", "QNAME"):
            out.append(("ORA-00933", "SQL command not properly ended: Oracle takes no AS before a table alias",
                        tok, "error"))
        elif word == "WITH" and fr["clause"] == "FROM" and nxt is not None and nxt.kind == "L_PAREN" \
                and prev is not None and prev.kind in ("NAME", "QNAME"):
            out.append(("ORA-00933", "SQL command not properly ended: WITH (table hints) is T-SQL", tok, "error"))
        elif word == "WITH" and nxt is not None and nxt.up in ("ROLLUP", "CUBE") and fr["clause"] == "GROUP":
            out.append(("ORA-00933", f"SQL command not properly ended: GROUP BY ... WITH {nxt.up} is T-SQL; use "
                        f"GROUP BY {nxt.up}(...)", tok, "error"))
        elif word == "LIMIT" and nxt is not None and nxt.kind == "NUMBER" and prev is not None \
                and prev.kind not in ("COMMA", "L_PAREN", "DOT"):
            out.append(("ORA-00933", "SQL command not properly ended: LIMIT is not Oracle; use FETCH FIRST n "
                        "ROWS ONLY", tok, "error"))
        elif word == "INSERT" and k == s and nxt is not None and nxt.up not in ("INTO", "ALL", "FIRST") \
                and nxt.kind != "HINT":
            out.append(("ORA-00925", "missing INTO keyword", nxt, "error"))
    for fr in frames:
        close(fr)
    return out


def tables(tree: exp.Expression) -> list[exp.Table]:
    """Table references of a parsed statement, without CTE names and table functions."""
    ctes = {c.alias_or_name.upper() for c in tree.find_all(exp.CTE)}
    out = []
    for t in tree.find_all(exp.Table):
        if not isinstance(t.this, exp.Identifier) or isinstance(t.parent, exp.Lock):
            continue  # FOR UPDATE OF names columns, not tables
        if t.name.upper() in ctes or t.name.upper() == "DUAL":
            continue
        out.append(t)
    return out
