"""T-SQL LIKE patterns as Oracle regular expressions or Oracle LIKE patterns, shared by the
rules that need them (CHECK constraints with character classes, PATINDEX, LIKE with classes or
ESCAPE)."""

from __future__ import annotations

_SPECIAL = set(".^$*+?(){}|\\")


def like_to_regex(pattern: str, escape: str | None = None) -> str | None:
    """``'[A-Z]%'`` → ``'^[A-Z]'``; None when the pattern has a form we do not translate
    (unclosed or nested brackets, an empty class, a backslash inside a class, an escape
    character inside a class or at the end).

    Leading/trailing ``%`` drop the anchor, so the regex finds the same first match that
    PATINDEX finds and matches the same strings that LIKE matches. ``escape`` is the LIKE's
    ``ESCAPE`` character: the character after it is taken literally."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape:
            if i + 1 >= len(pattern):
                return None
            nxt = pattern[i + 1]
            out.append("\\" + nxt if nxt in _SPECIAL or nxt in "[]" else nxt)
            i += 2
            continue
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif ch == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                return None
            body = pattern[i + 1:j]
            if not body or "[" in body or "\\" in body or (escape and escape in body):
                return None
            out.append("[" + body + "]")
            i = j
        else:
            out.append("\\" + ch if ch in _SPECIAL else ch)
        i += 1
    rx = "".join(out)
    rx = rx[2:] if rx.startswith(".*") else "^" + rx
    rx = rx[:-2] if rx.endswith(".*") and not rx.endswith("\\.*") else rx + "$"
    return rx


def regex_has_wildcard_dot(rx: str) -> bool:
    """True when ``rx`` (from ``like_to_regex``) has a ``.`` wildcard outside a class: it
    needs the ``'n'`` match parameter, as LIKE's ``_``/``%`` also match a newline."""
    i, in_class = 0, False
    while i < len(rx):
        ch = rx[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if rx[i + 1:i + 2] == "^":
                i += 1
            i += 1  # a leading ']' would be literal: skip one character
            continue
        elif ch == ".":
            return True
        i += 1
    return False


def like_literal_brackets(pattern: str, escape: str | None = None) -> tuple[str, str | None] | None:
    r"""A LIKE pattern whose every ``[...]`` holds one literal character (the T-SQL way to escape
    ``%``, ``_`` or ``[``: ``'x[_]y'``) as an Oracle LIKE pattern and its ESCAPE character:
    ``('x\_y', '\')``. ``escape`` is the original ESCAPE character (kept); without one, ``\``
    is used when something needs escaping, else the ESCAPE character returned is None. Oracle
    accepts only ``%``, ``_`` and the escape itself after the escape character (ORA-01424):
    an escaped ``[`` becomes a plain ``[``. None when the pattern holds a real class."""
    needs = escape is None and any(pattern[k:k + 3] in ("[%]", "[_]") for k in range(len(pattern)))
    esc = escape or ("\\" if needs else None)
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if escape and ch == escape:
            if i + 1 >= len(pattern):
                return None
            nxt = pattern[i + 1]
            out.append(pattern[i:i + 2] if nxt in "%_" or nxt == escape else nxt)
            i += 2
            continue
        if ch == "[":
            j = pattern.find("]", i + 1)
            body = pattern[i + 1:j] if j > 0 else ""
            if len(body) != 1 or body == "^":
                return None
            out.append(esc + body if body in "%_" or body == esc else body)
            i = j + 1
            continue
        out.append(esc + ch if needs and ch == esc else ch)
        i += 1
    return "".join(out), esc
