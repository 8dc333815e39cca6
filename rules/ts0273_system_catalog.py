"""SQL Server system catalog views and tables are marked TODO (CONVERSION-POLICY: out of scope).

``sys.objects``, ``sys.columns``, ``sys.parameters``, … ``INFORMATION_SCHEMA.*``, the old
``sysobjects``/``syscolumns`` compatibility views, ``tempdb.sys.*`` and ``master.*``: Oracle's
data dictionary (``USER_OBJECTS``, ``USER_TAB_COLUMNS``, ``USER_ARGUMENTS``, …) has other
columns and meanings, so each query needs rewriting by hand. Without this rule a reference
like ``sys.objects`` would come out as ``SYS.OBJECTS``, which looks converted but is not.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0273", "functions.system_catalog", "functions", __doc__)

_OLD_VIEWS = {"sysobjects", "syscolumns", "sysindexes", "sysusers", "systypes", "syscomments", "sysprocesses",
              "sysdatabases", "sysforeignkeys", "sysreferences", "sysconstraints", "sysdepends", "sysfiles",
              "syslogins", "sysmessages", "sysindexkeys", "sysprotects", "sysservers"}


@transform(RULE, exp.Table, order="pre")
def system_catalog(node: exp.Table, ctx):
    db = (node.args.get("db").name if node.args.get("db") is not None else "").casefold()
    catalog = (node.args.get("catalog").name if node.args.get("catalog") is not None else "").casefold()
    name = node.name.casefold()
    if db in {"sys", "information_schema"} or catalog in {"master", "msdb", "model"} or name in _OLD_VIEWS \
            or (catalog == "tempdb" and db == "sys"):
        ctx.todo(RULE, node, f"SQL Server system catalog {node.sql(dialect='tsql')}: rewrite against Oracle's data "
                             "dictionary (USER_OBJECTS, USER_TAB_COLUMNS, USER_ARGUMENTS, …) by hand")
    return node
