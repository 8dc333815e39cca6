"""T-SQL LIKE patterns as Oracle (POSIX ERE) regular expressions, shared by the rules that
need them (CHECK constraints with character classes, PATINDEX)."""

from __future__ import annotations

_SPECIAL = set(".^$*+?(){}|\\")


def like_to_regex(pattern: str) -> str | None:
    """``'[A-Z]%'`` → ``'^[A-Z]'``; None when the pattern has a form we do not translate
    (unclosed or nested brackets, an empty class, a backslash inside a class).

    Leading/trailing ``%`` drop the anchor, so the regex finds the same first match that
    PATINDEX finds and matches the same strings that LIKE matches."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif ch == "[":
            j = pattern.find("]", i + 1)
            if j < 0:
                return None
            body = pattern[i + 1:j]
            if not body or "[" in body or "\\" in body:
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
