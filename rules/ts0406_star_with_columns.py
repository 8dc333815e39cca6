"""An unqualified ``*`` beside other select items is qualified with every source: ``t.*``.

T-SQL::

    SELECT *, RANK() OVER (ORDER BY x) AS r FROM s

Oracle::

    SELECT S.*, RANK() OVER (ORDER BY X DESC) AS R FROM S

Oracle accepts a bare ``*`` only as the sole select item (ORA-00923 otherwise). The star
expands to the FROM sources in order, the same columns in the same order as T-SQL; a
source without a name (an unaliased derived table) is marked.
"""

from sqlglot import exp

from migrator.rulebook import define, transform

RULE = define("TS0406", "query.star_with_columns", "query", __doc__)


def _source_name(src: exp.Expression) -> str | None:
    if isinstance(src, exp.Lateral):
        return src.alias or None
    if isinstance(src, exp.Table):
        return src.alias or src.name or None
    return src.alias or None


@transform(RULE, exp.Select, order="pre")
def qualify_star(node: exp.Select, ctx):
    sels = node.expressions
    if len(sels) < 2 or not any(isinstance(s, exp.Star) for s in sels):
        return node
    from_ = node.args.get("from_")
    if from_ is None:
        return node
    sources = [from_.this]
    pending = list(getattr(from_.this, "args", {}).get("joins") or [])
    pending += list(node.args.get("joins") or [])
    sources += [j.this for j in pending]
    names = []
    for src in sources:
        name = _source_name(src)
        if not name:
            ctx.todo(RULE, node, "SELECT * beside other columns over a derived table without an alias")
        names.append(name)
    out = []
    for s in sels:
        if isinstance(s, exp.Star):
            out += [exp.Column(this=exp.Star(), table=exp.to_identifier(n)) for n in names]
        else:
            out.append(s)
    node.set("expressions", out)
    ctx.fixed(RULE, node, "* qualified with its table names")
    return node
