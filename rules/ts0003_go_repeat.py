"""``GO n`` runs the batch before it n times in SQL Server tools: marked TODO.

The batch is converted, and a ``-- MIGRATION TODO [TS0003]`` above it says it ran n times:
wrap it in a ``FOR i IN 1 .. n LOOP`` block (or run it n times) by hand.
"""

from migrator.rulebook import define

RULE = define("TS0003", "core.go_repeat", "core", __doc__)
