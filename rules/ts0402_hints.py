"""Table hints, index hints and OPTION (...) query hints are removed.

T-SQL::

    SELECT a FROM t WITH (NOLOCK) JOIN u (UPDLOCK, ROWLOCK) ON t.id = u.id
    OPTION (MAXRECURSION 0, RECOMPILE)

Oracle::

    SELECT A FROM T JOIN U ON T.ID = U.ID

Locking and optimizer hints do not carry over (Oracle's optimizer and MVCC decide); join
hints (``INNER HASH JOIN``) are dropped by the parser. Two hints change what users see:
``NOLOCK``/``READUNCOMMITTED`` (note: Oracle reads are always consistent, never dirty) and
``MAXRECURSION`` (note: Oracle has no recursion limit setting; a runaway recursive CTE is
stopped by its ``CYCLE`` clause or a level predicate, not by a limit). ``UPDLOCK``/``XLOCK``/
``HOLDLOCK`` get a note too: the Oracle equivalent is ``SELECT ... FOR UPDATE``.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0402", "query.hints", "query", __doc__)

_DIRTY = {"NOLOCK", "READUNCOMMITTED"}
_LOCKS = {"UPDLOCK", "XLOCK", "HOLDLOCK", "SERIALIZABLE", "TABLOCKX", "REPEATABLEREAD"}


def _hint_names(hint: exp.Expression) -> list[str]:
    return [e.name.upper() if not isinstance(e, exp.Anonymous) else e.name.upper() for e in hint.expressions]


@transform(RULE, exp.Table, order="pre")
def table_hints(node: exp.Table, ctx):
    hints = node.args.get("hints")
    if not hints:
        return node
    names = [n for h in hints for n in _hint_names(h)]
    node.set("hints", None)
    if _DIRTY & set(names):
        ctx.note(RULE, node, "NOLOCK removed: Oracle reads are always consistent, never dirty")
    if _LOCKS & set(names):
        ctx.note(RULE, node, f"lock hint {', '.join(sorted(_LOCKS & set(names)))} removed: use SELECT ... FOR "
                             "UPDATE where the lock matters")
    ctx.fixed(RULE, node, f"table hints removed: {', '.join(names)}")
    return node


@transform(RULE, exp.Query, exp.DML, order="pre")
def query_options(node, ctx):
    options = node.args.get("options")
    if not options:
        return node
    keep = []
    for opt in options:
        name = opt.name.upper() if isinstance(opt, exp.QueryOption) else ""
        if name == "WITH CHECK OPTION":
            keep.append(opt)
        elif name == "MAXRECURSION":
            ctx.note(RULE, node, "OPTION (MAXRECURSION) removed: Oracle has no recursion limit setting")
        else:
            ctx.fixed(RULE, node, f"query hint OPTION ({opt.sql(dialect='tsql')}) removed")
    node.set("options", keep or None)
    return node
