"""The shortcuts taken for speed change nothing: the parser's fast paths (an operand before
``,``/``)``, a plain column list) build the same trees as sqlglot's general path, the faster
code mask and the remembered GO split give the same answers, the guard refuses what it
refused, and the rule traversal still reaches every node a transform is for."""

import re

import pytest
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError

from migrator.backend.oracle import guard
from migrator.frontend import dialect, parse_dml, parse_expr
from migrator.frontend.segment import Segmenter
from migrator.rulebook import Context, Engine, Rule, Unconvertible
from migrator.source import Batch, SourceFile, _code_mask, _skip_span, split_batches

FAST = [(parse_expr.ParserMixin, "_parse_expression"), (parse_expr.ParserMixin, "_parse_assignment"),
        (parse_dml.ParserMixin, "_parse_schema")]

STATEMENTS = [
    "INSERT INTO t (a, [b c], \"d\") VALUES (1, -2, N'x', 0x1F, NULL, DEFAULT, 'a''b', 1.5e3, 'x' 'y', 7)",
    "INSERT t (\"Order ID\", check, [index], primary, foreign, unique) VALUES (1, 2, 3, 4, 5, 6)",
    "INSERT t (a /* c */, b) VALUES (1 /* one */, 2)",
    "INSERT t (a, b -- c\n) VALUES (1, 2 -- two\n)",
    "INSERT t (current_timestamp, case_, x) VALUES (1, 2, 3)",
    "INSERT t (a, check) VALUES (1, 2)",
    "INSERT t (a, if) VALUES (1, 2)",
    "INSERT t (period, x, [check]) VALUES (1, 2, 3)",
    "SELECT f(a, if), g(b.next), h(any) FROM t",
    "SELECT f(a /* c */, b), g(1 /* one */), h('x' /* s */ ) FROM t",
    "SELECT f(a, /* before */ b) FROM t",
    "INSERT t (a, b) SELECT x, y FROM u",
    "INSERT INTO dbo.t (a) VALUES (1), (2), ('x')",
    "SELECT f(a, b.c, 1, 'x'), g(x.y.z), COUNT(*), ISNULL(a, 0) FROM t WHERE a IN (1, 2, b)",
    "SELECT CASE WHEN a = 1 THEN 'x' END, DATEADD(day, 1, d), LEN(x), LEFT(s, 2) FROM t",
    "SELECT a.b.c.d.e, s.t.u.v, [a].[b] FROM t",
    "SELECT @v, @@ROWCOUNT, #t.a, ##g.b FROM #t",
    "SELECT 1 AS x, 'a' y, (1), ((a)), (a, b) FROM t",
    "SELECT x FROM t WHERE y = N'abc' AND z IN (N'a', N'b', NULL)",
    "SELECT SUBSTRING(a, 1, 2) COLLATE Latin1_General_CI_AS, CAST(a AS INT), CONVERT(VARCHAR(10), b, 120) FROM t",
    "SELECT next_value, [case], \"select\", any, all_ FROM t",
    "SELECT a FROM t ORDER BY a, b OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY",
    "CREATE TABLE t (a INT NOT NULL DEFAULT (0), b VARCHAR(10), c AS (a + 1), CONSTRAINT pk PRIMARY KEY (a, b))",
    "CREATE INDEX ix ON t (a, b DESC) INCLUDE (c, d)",
    "UPDATE t SET a = 1, b = 'x' WHERE c IN (1, 2) AND d NOT IN ('a', 'b')",
    "DELETE FROM t WHERE a IN (SELECT b FROM u WHERE c = 1)",
    "SELECT x.a, y.b FROM x JOIN y ON x.id = y.id WHERE x.c BETWEEN 1 AND 2",
    "SELECT ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c) FROM t",
    "SELECT a FROM t WHERE a = 1 -- tail\n",
    "SELECT a, b FROM OPENQUERY(srv, 'select 1')",
    "INSERT t VALUES (1, 2",
]


def _signature(tree):
    out = []
    stack = [tree]
    while stack:
        n = stack.pop()
        out.append((type(n).__name__, sorted((k, repr(v)) for k, v in n.args.items()
                                             if not isinstance(v, (exp.Expression, list))),
                    dict(n.meta) if n._meta else None, n.comments))
        for v in reversed(list(n.args.values())):
            stack.extend(x for x in reversed(v if isinstance(v, list) else [v]) if isinstance(x, exp.Expression))
    return out


def _parse(sql):
    tokens = dialect.tokenize(sql)
    parser = dialect.DIALECT.parser(error_level=ErrorLevel.RAISE, max_errors=1)
    try:
        trees = parser.parse(tokens, sql)
    except ParseError as e:
        return "error", str(e)
    return [_signature(t) for t in trees if t is not None], [t.comments for t in tokens], parser._index


@pytest.mark.parametrize("sql", STATEMENTS)
def test_fast_paths_build_what_the_general_path_builds(sql, monkeypatch):
    fast = _parse(sql)
    for cls, name in FAST:
        monkeypatch.delattr(cls, name)
    general = _parse(sql)
    assert fast == general


def test_fast_paths_are_taken():
    sql = "INSERT t (a, b) VALUES (1, 'x')"
    parser = dialect.DIALECT.parser(error_level=ErrorLevel.RAISE, max_errors=1)
    calls = []
    orig = parser._parse_column_def
    parser._parse_column_def = lambda *a, **k: calls.append(1) or orig(*a, **k)
    tree = parser.parse(dialect.tokenize(sql), sql)[0]
    assert calls == []  # the column list did not take the general loop
    assert [c.name for c in tree.this.expressions] == ["a", "b"]


def _old_mask(text):  # the mask as it was computed before (one span at a time)
    mask = bytearray(len(text))
    i = 0
    while True:
        m = re.compile(r"--|/\*|['\"\[]").search(text, i)
        if not m:
            return mask
        i = m.start()
        j = _skip_span(text, i)
        mask[i:j] = b"\x01" * (j - i)
        i = j


@pytest.mark.parametrize("text", [
    "SELECT 'a''b', \"x\"\"y\", [p]]q] -- c\nGO\n/* a /* nested */ still */ x",
    "SELECT 'unterminated\nGO\n",
    "SELECT [open\nGO",
    'SELECT "open\nGO',
    "/* never closed /* nested */\nGO\n",
    "--\n''\n\"\"\n[]\n/**/ /*/ x */",
    "", "x", "'", "/*", "--", "[",
])
def test_code_mask_equals_the_span_by_span_mask(text):
    assert _code_mask(text) == _old_mask(text)


def test_split_batches_remembered_results_are_fresh_lists():
    text = "SELECT 1\nGO\nSELECT 2\nGO 3\n'GO\nGO'\n"
    first = split_batches(text)
    first.append("junk")
    again = split_batches(text)
    assert "junk" not in again
    assert [(b.text, b.offset, b.line, b.repeat) for b in again] == \
        [("SELECT 1\n", 0, 1, 1), ("\nSELECT 2\n", 11, 2, 3), ("\n'GO\nGO'\n", 25, 4, 1)]
    assert split_batches(str(text)) == again


def test_segmenter_words_follow_the_tokens():
    src = SourceFile.from_text("x.sql", "select [a] from t; 'x'")
    seg = Segmenter(src, Batch(src.text, 0, 1), dialect.tokenize(src.text))
    assert [seg.w(i) for i in range(-1, seg.n + 1)] == ["", "SELECT", "", "FROM", "T", ";", "", ""]


@pytest.mark.parametrize("tree, refused", [
    (exp.select(exp.Anonymous(this="NOT_ORACLE")).from_("t"), "function NOT_ORACLE()"),
    (exp.select(exp.Anonymous(this="NVL", expressions=[exp.column("a"), exp.Literal.number(0)])), None),
    (exp.select(exp.Round(this=exp.column("a"), decimals=exp.Literal.number(1),
                          truncate=exp.Literal.number(1))), "ROUND(x, n, 1)"),
    (exp.select(exp.Uuid()), "NEWID()"),
    (exp.select(exp.column("a")).from_(exp.Table(this=exp.Identifier(this="t", temporary=True))), "temporary table"),
    (exp.Create(kind="DATABASE", this=exp.to_table("x")), "CREATE DATABASE"),
    (exp.ColumnDef(this=exp.to_identifier("id"),
                   constraints=[exp.ColumnConstraint(kind=exp.AutoIncrementColumnConstraint())]),
     "IDENTITY column without Oracle identity syntax"),
])
def test_guard_refusals(tree, refused):
    if refused is None:
        guard(tree)
        return
    with pytest.raises(Unconvertible) as e:
        guard(tree)
    assert refused in e.value.message


def test_traversal_reaches_nodes_under_classes_no_rule_is_for():
    rule = Rule("TS9999", "test.columns", "x", "x", "main")
    seen = []

    def upper(node, ctx):
        seen.append(node.name)
        return exp.column(node.name.upper())

    rule.transforms.append(((exp.Column,), upper, "post"))
    engine = Engine({"TS9999": rule})
    # Paren, Tuple, Literal have no transform: the columns under them are still reached and replaced
    tree = exp.select(exp.Paren(this=exp.column("a")), exp.Tuple(expressions=[exp.column("b"), exp.Literal.number(1)]))
    out = engine.apply(tree, Context(None, None, None))
    assert seen == ["a", "b"]
    assert out.sql() == "SELECT (A), (B, 1)"
