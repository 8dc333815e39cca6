"""Statements Oracle does not have are refused at the root, never printed as if they were Oracle.

A converted statement must be a query, DML, DDL, COMMENT, GRANT/REVOKE or COMMIT/ROLLBACK.
``USE database`` (Oracle: connect as, or ``ALTER SESSION SET CURRENT_SCHEMA`` to, the target
schema), ``RECONFIGURE``, ``CHECKPOINT`` and other bare words that a permissive parser reads
as expressions are kept under ``-- MIGRATION TODO [TS0004]``.
"""

from migrator.rulebook import define

RULE = define("TS0004", "core.not_a_statement", "core", __doc__)
