"""T-SQL the front end cannot read is kept verbatim under a TODO marker, never dropped.

A statement sqlglot's parser (with our extensions) rejects, text that cannot be tokenized
(an unterminated string or comment), or a statement form we do not know becomes a unit
marked ``-- MIGRATION TODO [TS0001]: <parser message>`` with the original in a comment.
Internal errors of a rule are reported the same way under TS0002 (status ``failed``).
"""

from migrator.rulebook import define

RULE = define("TS0001", "core.unparsed", "core", __doc__)
