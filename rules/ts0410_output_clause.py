"""OUTPUT clauses of INSERT/UPDATE/DELETE/MERGE are marked: they need PL/SQL RETURNING ... INTO.

T-SQL::

    UPDATE t SET a = 1 OUTPUT inserted.id WHERE b = 2

Oracle: ``UPDATE T SET A = 1 WHERE B = 2 RETURNING ID INTO v_id`` exists only inside PL/SQL
with variables (or ``BULK COLLECT INTO`` a collection), and ``deleted.`` (old) values are not
available in RETURNING. A plain script has nowhere to put the rows, so the statement is
marked; ``OUTPUT ... INTO @t`` likewise until table variables are converted.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0410", "dml.output", "dml", __doc__)


@transform(RULE, exp.Insert, exp.Update, exp.Delete, exp.Merge, order="pre")
def output_clause(node, ctx):
    ret = node.args.get("returning")
    if ret is None:
        return node
    if isinstance(ret.args.get("into"), exp.Expression):
        ctx.todo(RULE, node, "OUTPUT ... INTO: rewrite as RETURNING ... BULK COLLECT INTO a collection in PL/SQL")
    ctx.todo(RULE, node, "OUTPUT clause: Oracle returns DML rows only with RETURNING ... INTO variables in PL/SQL")
    return node
