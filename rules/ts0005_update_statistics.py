"""``UPDATE STATISTICS t`` → ``DBMS_STATS.GATHER_TABLE_STATS`` on the same table.

T-SQL::

    UPDATE STATISTICS publishers

Oracle::

    BEGIN
      DBMS_STATS.GATHER_TABLE_STATS(USER, 'PUBLISHERS');
    END;
    /

Index- or statistics-name forms (``UPDATE STATISTICS t ix``) and ``WITH`` options (FULLSCAN,
SAMPLE …) gather the whole table's statistics: a note says so.
"""

from migrator.frontend.dialect import word
from migrator.frontend.nodes import Statement
from migrator.rulebook import define, unit_transform

RULE = define("TS0005", "script.update_statistics", "script", __doc__)


@unit_transform(RULE, Statement)
def update_statistics(node: Statement, ctx, project):
    toks = node.tokens
    if len(toks) < 3 or word(toks[0]) != "UPDATE" or word(toks[1]) != "STATISTICS":
        return None
    from migrator.plsql.header import _qualified

    schema, name, i = _qualified(toks, 2)
    parts = [p for p in (schema, name) if p]
    if sum(1 for t in toks[2:i] if t.text == ".") > 1:
        ctx.todo(RULE, None, "UPDATE STATISTICS on a table in another database")
    rest = [t for t in toks[i:] if t.text != ";"]
    if rest:
        ctx.note(RULE, None, "UPDATE STATISTICS options or a statistics/index name: Oracle gathers the whole "
                             "table's statistics (add ESTIMATE_PERCENT / METHOD_OPT by hand if needed)")
    table = project.names.name(parts[-1])
    owner = project.names.schema(parts[0]) if len(parts) == 2 else None
    owner_sql = f"'{owner}'" if owner else "USER"
    ctx.fixed(RULE, None, "UPDATE STATISTICS → DBMS_STATS.GATHER_TABLE_STATS")
    return f"BEGIN\n  DBMS_STATS.GATHER_TABLE_STATS({owner_sql}, '{table}');\nEND;\n/"
