"""Recursive-descent segmenter: T-SQL batches → statements, blocks and control flow.

Real T-SQL rarely uses semicolons, so statement boundaries come from keywords:
a statement ends where, at parenthesis depth 0 and outside CASE ... END, a
keyword starts a new statement and is not a continuation of the current one
(``UNION SELECT``, ``INSERT ... SELECT``, ``UPDATE ... SET``, ``MERGE ... THEN
UPDATE``, ``WITH (NOLOCK)``, ``OFFSET ... FETCH``, ``ALTER TABLE ... DROP`` ...).
T-SQL reserves these keywords, so an unquoted one is always a keyword.
"""

from __future__ import annotations

from typing import Iterator

from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from migrator.frontend.dialect import parse_tokens, tokenize, word
from migrator.frontend.nodes import Block, If, Label, Node, Opaque, Routine, Statement, TryCatch, While
from migrator.source import Batch, SourceFile

STMT_START = frozenset(
    """SELECT INSERT UPDATE DELETE MERGE WITH SET DECLARE EXEC EXECUTE PRINT RETURN BEGIN IF WHILE
    RAISERROR THROW BREAK CONTINUE GOTO TRUNCATE DROP CREATE ALTER COMMIT ROLLBACK SAVE OPEN FETCH
    CLOSE DEALLOCATE WAITFOR GRANT REVOKE DENY USE ELSE END BULK DBCC CHECKPOINT KILL RECONFIGURE
    BACKUP RESTORE SETUSER REVERT ENABLE DISABLE""".split()
)
ROUTINE_WORDS = {"PROC": "procedure", "PROCEDURE": "procedure", "FUNCTION": "function", "TRIGGER": "trigger",
                 "VIEW": "view"}
DROP_OBJECTS = set("""TABLE VIEW PROC PROCEDURE FUNCTION TRIGGER INDEX TYPE SEQUENCE SYNONYM SCHEMA DATABASE USER
    ROLE LOGIN STATISTICS ASSEMBLY DEFAULT RULE""".split())
SET_OPS = {"UNION", "ALL", "EXCEPT", "INTERSECT"}
SEMICOLON = TokenType.SEMICOLON


class Segmenter:
    def __init__(self, src: SourceFile, batch: Batch, tokens: list):
        self.src, self.batch, self.toks = src, batch, tokens
        self.n = len(tokens)
        self.words = [word(t) for t in tokens]  # every token's word once: the loops below read them often

    # -- helpers ---------------------------------------------------------------
    def w(self, i: int) -> str:
        return self.words[i] if 0 <= i < self.n else ""

    def span(self, i: int, j: int):
        """Span of tokens i..j-1 (file offsets)."""
        start = self.batch.offset + self.toks[i].start
        end = self.batch.offset + self.toks[j - 1].end + 1
        # include a leading comment attached to the first token is not needed: comments stay on tokens
        return self.src.span(start, end)

    def text(self, i: int, j: int) -> str:
        return self.batch.text[self.toks[i].start:self.toks[j - 1].end + 1]

    # -- statement lists -------------------------------------------------------
    def parse_list(self, i: int, stop: set[str]) -> tuple[list[Node], int]:
        nodes: list[Node] = []
        while i < self.n:
            if self.toks[i].text == ";":
                i += 1
                continue
            w = self.w(i)
            if w in stop:
                break
            start = i
            node, i = self.parse_stmt(i)
            if i <= start:  # never loop: swallow one token as opaque
                node, i = Opaque(self.span(start, start + 1), self.text(start, start + 1), "unexpected token"), start + 1
            nodes.append(node)
        return nodes, i

    def parse_stmt(self, i: int) -> tuple[Node, int]:
        w = self.w(i)
        if w == "BEGIN":
            nxt = self.w(i + 1)
            if nxt == "TRY":
                return self.parse_try(i)
            if nxt not in {"TRAN", "TRANSACTION", "DISTRIBUTED", "DIALOG", "CONVERSATION"}:
                body, j = self.parse_list(i + 1, {"END"})
                j = j + 1 if self.w(j) == "END" else j
                return Block(self.span(i, j), self.text(i, j), body), j
        if w in {"IF", "WHILE"}:
            return self.parse_cond(i, w)
        if w in {"CREATE", "ALTER"}:
            kind_at = i + 1
            if self.w(kind_at) == "OR" and self.w(kind_at + 1) in {"ALTER", "REPLACE"}:
                kind_at += 2
            kind = ROUTINE_WORDS.get(self.w(kind_at))
            if kind == "view":  # one query: a SQL statement for sqlglot, the rest of its batch
                j = self.n
                return Statement(self.span(i, j), self.text(i, j), tokens=self.toks[i:j], keyword=w), j
            if kind:
                j = self.n  # a routine is the rest of its batch
                name = self.text(kind_at + 1, min(kind_at + 4, self.n)).split("(")[0].split()[0] if kind_at + 1 < self.n else ""
                return Routine(self.span(i, j), self.text(i, j), kind=kind, name=name, tokens=self.toks[i:j]), j
        if w in {"END", "ELSE"} and not (w == "END" and self.w(i + 1) == "CONVERSATION"):
            return Opaque(self.span(i, i + 1), self.text(i, i + 1), f"unexpected {w} (no matching BEGIN/IF)"), i + 1
        if i + 1 < self.n and self.toks[i + 1].text == ":" and w and w not in STMT_START and \
                self.toks[i + 1].start == self.toks[i].end + 1:
            return Label(self.span(i, i + 2), self.text(i, i + 2), name=self.toks[i].text), i + 2
        j = self.statement_end(i)
        toks = self.toks[i:j]
        return Statement(self.span(i, j), self.text(i, j), tokens=toks, keyword=w), j

    def parse_try(self, i: int) -> tuple[Node, int]:
        try_body, j = self.parse_list(i + 2, {"END"})
        if self.w(j) == "END" and self.w(j + 1) == "TRY":
            j += 2
        catch_body: list[Node] = []
        while j < self.n and self.toks[j].text == ";":
            j += 1
        if self.w(j) == "BEGIN" and self.w(j + 1) == "CATCH":
            catch_body, j = self.parse_list(j + 2, {"END"})
            if self.w(j) == "END" and self.w(j + 1) == "CATCH":
                j += 2
        return TryCatch(self.span(i, j), self.text(i, j), try_body, catch_body), j

    def parse_cond(self, i: int, w: str) -> tuple[Node, int]:
        j, depth, case = i + 1, 0, 0
        while j < self.n:
            t = self.w(j)  # "" for string literals: a string ')' is not a parenthesis
            k = t
            if t == "(":
                depth += 1
            elif t == ")":
                depth -= 1
            elif k == "CASE":
                case += 1
            elif k == "END" and case:
                case -= 1
            elif depth <= 0 and not case and k in STMT_START and k not in {"ELSE"} and j > i + 1 and \
                    self.toks[j - 1].text != "@":
                break
            j += 1
        cond_toks = self.toks[i + 1:j]
        cond_text = self.text(i + 1, j) if j > i + 1 else ""
        if j >= self.n:
            return Opaque(self.span(i, j), self.text(i, j), f"{w} without a statement"), j
        body, k = self.parse_stmt(j)
        if w == "WHILE":
            return While(self.span(i, k), self.text(i, k), cond_text, cond_toks, body), k
        m = k
        while m < self.n and self.toks[m].text == ";":
            m += 1
        else_ = None
        if self.w(m) == "ELSE":
            else_, k = self.parse_stmt(m + 1) if m + 1 < self.n else (None, m + 1)
        return If(self.span(i, k), self.text(i, k), cond_text, cond_toks, body, else_), k

    # -- simple statement boundaries ------------------------------------------
    def statement_end(self, i: int) -> int:
        first = self.w(i)
        if first == "ELSE" or (first == "END" and self.w(i + 1) != "CONVERSATION"):
            return i + 1
        if first == "BEGIN" or first in {"COMMIT", "ROLLBACK", "SAVE"}:
            # BEGIN TRAN [name] / COMMIT [TRAN [name]] / ROLLBACK [TRAN [name]] / SAVE TRAN name
            j = i + 1
            if self.w(j) in {"TRAN", "TRANSACTION", "WORK", "DISTRIBUTED"}:
                j += 1
                if self.w(j - 1) == "DISTRIBUTED" and self.w(j) in {"TRAN", "TRANSACTION"}:
                    j += 1
                if j < self.n and self.w(j) not in STMT_START and self.toks[j].text != ";":
                    j += 2 if self.toks[j].text == "@" and j + 1 < self.n else 1  # name or @variable
            return j
        if first in {"BREAK", "CONTINUE"}:
            return i + 1
        state = {"select": False, "values": False, "set": False, "main": False, "to": False}
        depth, case = 0, 0
        j = i + 1
        toks, words, n = self.toks, self.words, self.n
        while j < n:
            tok = toks[j]
            t = words[j]  # "" for string literals: a string ')' is not a parenthesis
            k = t
            if tok.token_type is SEMICOLON:
                return j
            if t == "(":
                depth += 1
            elif t == ")":
                depth -= 1
                if depth < 0:
                    return j
            elif k == "CASE":
                case += 1
            elif k == "END" and case:
                case -= 1
            elif depth == 0 and not case and k in STMT_START and toks[j - 1].text != "@":  # not @open
                if not self.continues(first, k, j, state):
                    return j
            if depth == 0:
                if k == "SELECT":
                    state["select"] = True
                elif k == "VALUES":
                    state["values"] = True
                elif k == "SET":
                    state["set"] = True
                elif k == "TO" or (k == "FROM" and first == "REVOKE"):
                    state["to"] = True
            j += 1
        return j

    def continues(self, first: str, k: str, j: int, st: dict) -> bool:
        prev = self.w(j - 1)
        nxt = self.w(j + 1)
        if first == "WITH" and st["main"]:
            first = st["main"]  # after the CTEs, the main statement's rules apply
        if first in {"GRANT", "REVOKE", "DENY"} and (not st["to"] or (k == "GRANT" and prev == "WITH")):
            return True
        if k == "SELECT":
            if prev in SET_OPS or prev == "FOR":
                return True
            if first == "INSERT" and not (st["select"] or st["values"] or st.get("exec")):
                return True
            if first == "WITH" and not st["main"]:
                st["main"] = k
                return True
            return False
        if k == "WITH":
            return not self.is_cte(j)
        if k == "SET":
            return prev == "UPDATE" or (first == "UPDATE" and not st["set"])
        if k in {"INSERT", "UPDATE", "DELETE"}:
            if first == "SET" and prev in {"ON", "OFF"}:  # SET NOCOUNT ON / SET IDENTITY_INSERT t ON, then DML
                return False
            if prev in {"THEN", "ON", "FOR", "OF"} or (first == "MERGE" and prev in {"THEN"}):
                return True
            if k == "INSERT" and prev == "BULK":  # BULK INSERT is one statement
                return True
            if first == "WITH" and not st["main"]:
                st["main"] = k
                return True
            return False
        if k == "MERGE":
            if first == "WITH" and not st["main"]:
                st["main"] = k
                return True
            return False
        if k in {"EXEC", "EXECUTE"}:
            if first == "INSERT" and not (st["select"] or st["values"] or st.get("exec")):
                st["exec"] = True
                return True
            return prev == "WITH"
        if k == "DROP":
            return first == "ALTER" and nxt not in DROP_OBJECTS
        if k == "ALTER":
            return first == "ALTER" and nxt == "COLUMN"
        if k == "IF":
            return first == "DROP" and nxt == "EXISTS"
        if k == "FETCH":
            return prev in {"ROWS", "ROW"}
        if k in {"ENABLE", "DISABLE"}:
            return first == "ALTER"
        if k == "SAVE":
            return False
        if k == "OPEN":
            return False
        return False

    def is_cte(self, j: int) -> bool:
        """WITH name [ (cols) ] AS ( ... starts a statement; WITH (NOLOCK) / WITH TIES do not."""
        k = j + 1
        if k >= self.n or self.toks[k].text == "(":
            return False
        k += 1
        if k < self.n and self.toks[k].text == "(":
            depth = 0
            while k < self.n:
                if self.toks[k].text == "(":
                    depth += 1
                elif self.toks[k].text == ")":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            k += 1
        return self.w(k) == "AS" and k + 1 < self.n and self.toks[k + 1].text == "("


CHUNK_CHARS = 1 << 20  # batches larger than this are tokenized a window at a time (bounded memory)


def segment_batch(src: SourceFile, batch: Batch) -> list[Node]:
    """Segment one GO batch. A tokenizer error makes the (rest of the) batch one Opaque node."""
    return list(iter_segments(src, batch))


def iter_segments(src: SourceFile, batch: Batch, chunk: int = CHUNK_CHARS) -> list[Node] | Iterator[Node]:
    """Top-level nodes of one batch: a list, or an iterator for a batch over ``2 * chunk``.

    A small batch is tokenized at once. A large one (a data dump with no GO) is
    tokenized a window of about ``chunk`` characters at a time, cut at a line end
    outside strings and comments; every node but the window's last is final (its
    end was decided by a token inside the window), and the next window starts
    where that last node starts. Token offsets are shifted to batch offsets, so
    nodes are the same as from one whole-batch tokenization.
    """
    if len(batch.text) <= chunk * 2:
        return _segment_window(src, batch, 0, len(batch.text))
    return _iter_windows(src, batch, chunk)


def _iter_windows(src: SourceFile, batch: Batch, chunk: int) -> Iterator[Node]:
    from migrator.source import _code_mask

    text = batch.text

    mask = _code_mask(text)
    start, size = 0, chunk
    while start < len(text):
        cut = _window_end(text, mask, start + size)
        nodes = _segment_window(src, batch, start, cut)
        if cut >= len(text):
            yield from nodes
            return
        if len(nodes) < 2:  # one node spans the window: widen it
            size *= 2
            continue
        yield from nodes[:-1]
        nxt = nodes[-1].span.start - batch.offset
        if nxt <= start:  # cannot happen with two nodes; never loop
            size *= 2
            continue
        start, size = nxt, chunk


def _window_end(text: str, mask: bytearray, at: int) -> int:
    """First line end at or after ``at`` that is code (not in a string or comment)."""
    n = len(text)
    while at < n:
        j = text.find("\n", at)
        if j < 0:
            return n
        if not mask[j]:
            return j + 1
        at = j + 1
    return n


def _untokenizable(src: SourceFile, batch: Batch, start: int, end: int, e: Exception) -> list[Node]:
    """The statements before an unterminated string/comment still convert; the rest is one Opaque."""
    from migrator.source import find_unterminated

    part = batch.text[start:end]
    found = find_unterminated(part)
    nodes: list[Node] = []
    if found:
        line, col = src.position(batch.offset + start + found[0])
        reason = f"cannot tokenize: {found[1]} (opened at line {line}, col {col})"
        if found[0] > 0 and part[:found[0]].strip():
            nodes = _segment_window(src, batch, start, start + found[0])
            if nodes and not isinstance(nodes[-1], Opaque):
                start = nodes.pop().span.start - batch.offset  # the statement holding the bad literal
            else:
                nodes = []
    else:
        reason = f"cannot tokenize: {_short(e)}"
    part = batch.text[start:end]
    if not part.strip():
        return nodes
    lead = len(part) - len(part.lstrip())
    a, b = batch.offset + start + lead, batch.offset + start + len(part.rstrip())
    return nodes + [Opaque(src.span(a, max(a, b)), part.strip(), reason)]


def _segment_window(src: SourceFile, batch: Batch, start: int, end: int) -> list[Node]:
    part = batch.text[start:end]
    try:
        tokens = tokenize(part)
    except TokenError as e:
        return _untokenizable(src, batch, start, end, e)
    if not tokens:
        return []
    if start:
        lines = batch.text.count("\n", 0, start)
        for t in tokens:
            t.start += start
            t.end += start
            t.line += lines
    seg = Segmenter(src, batch, tokens)
    try:
        nodes, i = seg.parse_list(0, set())
        while i < seg.n:  # stray END / ELSE at top level
            more, i2 = seg.parse_list(i + 1, set())
            nodes.append(Opaque(seg.span(i, i + 1), seg.text(i, i + 1), f"unexpected {seg.w(i) or seg.toks[i].text}"))
            nodes.extend(more)
            i = i2
    except RecursionError:
        return [Opaque(seg.span(0, seg.n), seg.text(0, seg.n), "nesting too deep to segment")]
    return nodes


def parse_statement(stmt: Statement, batch_text: str) -> None:
    """Fill ``stmt.expr`` with sqlglot's tree, or ``stmt.error``."""
    toks = [t for t in stmt.tokens if t.text != ";" or t.token_type.name != "SEMICOLON"]
    if not toks:
        stmt.error = "empty statement"
        return
    try:
        trees = parse_tokens(toks, batch_text)
    except RecursionError:
        stmt.error = "nesting too deep to parse (expressions nested hundreds of levels)"
        return
    except (ParseError, TokenError, ValueError, TypeError, AttributeError, IndexError, KeyError) as e:
        stmt.error = _short(e)
        return
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        stmt.error = f"expected one statement, got {len(trees)}"
        return
    stmt.expr = trees[0]


def _short(e: Exception) -> str:
    import re

    msg = str(e).splitlines()[0] if str(e) else type(e).__name__
    # sqlglot prints whole Token reprs: keep only the token's text
    msg = re.sub(r"<Token token_type: [^,]+, text: (.*?), line: \d+, col: \d+, start: \d+, end: \d+, "
                 r"comments: \[.*?\]>", r"'\1'", msg)
    return msg[:300]
