"""HammerDB extractor (training/corpus/hammerdb.py) and its Tcl scanner (training/corpus/tcl.py).

The fixtures under tests/data/hammerdb are original toy files laid out like a HammerDB checkout
(src/mssqlserver/*.tcl, src/oracle/*.tcl); no HammerDB SQL is used here.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from training.corpus import hammerdb as hdb
from training.corpus.tcl import (TclSyntaxError, bracket_end, decode_backslashes, parse_list,
                                 parse_script, quoted_parts)

FIXTURE = Path(__file__).parent / "data" / "hammerdb"


@pytest.fixture(scope="module")
def ex():
    return hdb.extract_all(FIXTURE)


def by_id(records):
    return {r["id"]: r for r in records}


def fixture_line(rel: str, needle: str, nth: int = 0) -> int:
    text = (FIXTURE / rel).read_text()
    pos = -1
    for _ in range(nth + 1):
        pos = text.index(needle, pos + 1)
    return text.count("\n", 0, pos) + 1


# -- Tcl scanner --------------------------------------------------------------------------------

def test_braced_words_nest_and_ignore_escaped_braces():
    src = 'set a {x {y} \\} z}\nset b {}'
    cmds = parse_script(src)
    assert [[w.text for w in c.words] for c in cmds] == [["set", "a", "{x {y} \\} z}"], ["set", "b", "{}"]]
    assert cmds[0].words[2].content == "x {y} \\} z"
    assert cmds[0].words[2].kind == "brace"


def test_dollar_in_braces_is_not_a_variable():
    cmd = parse_script("set sql(1) {DECLARE @loop$bound int}")[0]
    assert cmd.words[2].literal == "DECLARE @loop$bound int"


def test_quoted_word_with_nested_command_and_quotes():
    src = 'puts "a [format "%s}" {x"y}] b" ; set c 1'
    cmds = parse_script(src)
    assert len(cmds) == 2
    assert cmds[0].words[1].text == '"a [format "%s}" {x"y}] b"'
    assert [w.text for w in cmds[1].words] == ["set", "c", "1"]


def test_bare_word_with_command_substitution_and_array_index():
    cmd = parse_script('set x [ lindex $rows($i) 1 ]$y(a)')[0]
    assert [w.text for w in cmd.words] == ["set", "x", "[ lindex $rows($i) 1 ]$y(a)"]
    assert bracket_end("[a [b] {]}] tail", 0) == len("[a [b] {]}]")


def test_comments_only_at_command_start():
    src = "# comment {\nset a 1 ;# trailing comment\nset b #notacomment\n  # indented comment\nset c 2"
    cmds = parse_script(src)
    assert [[w.text for w in c.words] for c in cmds] == [["set", "a", "1"], ["set", "b", "#notacomment"],
                                                         ["set", "c", "2"]]


def test_separators_and_backslash_newline():
    cmds = parse_script("set a 1; set b 2\nset c \\\n    3")
    assert [[w.text for w in c.words] for c in cmds] == [["set", "a", "1"], ["set", "b", "2"], ["set", "c", "3"]]


def test_expansion_prefix_and_list_parsing():
    cmd = parse_script("lindex {*}$rows 1")[0]
    assert cmd.words[1].expand and cmd.words[1].text == "$rows"
    items = parse_list("  a {b c}\n  \"d e\" f ")
    assert [w.content for w in items] == ["a", "b c", "d e", "f"]


def test_offsets_are_absolute():
    src = "xx {set a {inner}}"
    body = parse_script(src)[0].words[1]
    inner = parse_script(src, body.content_start, body.content_end)[0]
    assert src[inner.words[2].start:inner.words[2].end] == "{inner}"


def test_decode_backslashes():
    assert decode_backslashes(r"\[PRIMARY\] a\tb\n") == "[PRIMARY] a\tb\n"
    assert decode_backslashes("a \\\n      b") == "a  b"
    assert decode_backslashes(r"\x41\u00e9\101\q\$") == "AéAq$"


def test_quoted_parts_split_text_vars_and_commands():
    parts = quoted_parts(r"top \[x\] $maxdop ${a b}$arr(1) [expr 1] \$lit $")
    kinds = [(p.kind, p.value) for p in parts]
    assert kinds == [("text", "top [x] "), ("var", "maxdop"), ("text", " "), ("var", "a b"),
                     ("var", "arr(1)"), ("text", " "), ("cmd", "expr 1"), ("text", " $lit $")]


@pytest.mark.parametrize("src", ["set a {unclosed", 'set a "unclosed', "set a [unclosed", "set a {x}y"])
def test_syntax_errors(src):
    with pytest.raises(TclSyntaxError):
        parse_script(src)


def test_eval_condition():
    cfg = {"imdb": 0, "timesten": 1, "num_part": 0, "p": "false", "colstore": "false", "bcp": "true"}
    assert hdb.eval_condition("!$imdb", cfg)
    assert not hdb.eval_condition("$timesten && $num_part != 0", cfg)
    assert hdb.eval_condition("[expr {$p != true } ]", cfg)
    assert not hdb.eval_condition("$colstore && $bcp", cfg)
    assert hdb.eval_condition("$num_part eq 0 || $imdb", cfg)
    with pytest.raises(KeyError):
        hdb.eval_condition("$nosuchvar", cfg)


# -- extraction on the fixture -----------------------------------------------------------------

def test_counts(ex):
    assert ex.stats["pairs"] == {"queries": 4, "procedures": 2, "calls": 2, "ddl": 7}
    assert ex.stats["statements"]["mssql"] == {"queries": 4, "procedures": 2, "calls": 2, "ddl": 11}
    assert ex.stats["statements"]["oracle"] == {"queries": 5, "procedures": 2, "calls": 2, "ddl": 10}
    assert ex.stats["unpaired"]["queries"] == {"mssql": 0, "oracle": 1}
    assert ex.stats["unpaired"]["ddl"] == {"mssql": 3, "oracle": 2}
    assert len(ex.records) == 15
    assert all(r["source"] == "hammerdb" and r["category"] in hdb.CATEGORIES for r in ex.records)


def test_record_shape_and_object_keys(ex):
    recs = by_id(ex.records)
    q = recs["hammerdb:tpch:q01"]
    assert set(q) == {"id", "source", "category", "object", "tsql", "oracle", "origin", "notes"}
    assert q["object"] == "hammerdb:tpch:q01" and q["category"] == "queries"
    assert recs["hammerdb:tpcc:shelve"]["category"] == "procedures"
    assert recs["hammerdb:tpcc:shelve:call"]["category"] == "calls"
    assert recs["hammerdb:tpcc:shelve"]["object"] == recs["hammerdb:tpcc:shelve:call"]["object"] \
        == "hammerdb:tpcc:shelve"
    for side in ("tsql", "oracle"):
        assert {"file", "line_start", "line_end", "tcl_var", "proc_path", "tcl_vars"} <= set(q["origin"][side])


def test_procedures_are_byte_exact_and_keep_dollar_identifiers(ex):
    recs = by_id(ex.records)
    shelve = recs["hammerdb:tpcc:shelve"]
    # default config imdb=0: the else branch (the in-memory variant comes first in the file)
    assert shelve["tsql"].startswith("CREATE PROCEDURE [dbo].[shelve]\n            @b_id int,")
    assert "@loop$bound int\n            SET @loop$bound = 1" in shelve["tsql"]
    assert "WITH (updlock)" in shelve["tsql"] and shelve["tsql"].endswith("COMMIT TRANSACTION\n            END")
    # Oracle text keeps its leading space and, the closing brace being on its own line, the trailing
    # newline and indentation; timesten=0 picks the generic procedure
    assert shelve["oracle"].startswith(" CREATE OR REPLACE PROCEDURE SHELVE (\n")
    assert shelve["oracle"].endswith("            END;\n        ")
    assert "EXECUTE IMMEDIATE" not in shelve["oracle"]
    assert recs["hammerdb:tpcc:lookup"]["oracle"].endswith("    END; ")
    assert shelve["origin"]["tsql"]["tcl_vars"] == [] and shelve["origin"]["tsql"]["tcl_word"] == "brace-literal"
    assert shelve["origin"]["tsql"]["conditions"] == ["else[!($imdb)]"]
    assert shelve["origin"]["oracle"]["conditions"] == ["else[!($timesten && $num_part != 0)]"]


def test_origin_lines(ex):
    rel = "src/mssqlserver/mssqlsoltp.tcl"
    o = by_id(ex.records)["hammerdb:tpcc:shelve"]["origin"]["tsql"]
    start = fixture_line(rel, "set sql(1) {CREATE PROCEDURE [dbo].[shelve]", nth=1)
    assert (o["file"], o["line_start"], o["tcl_var"]) == (rel, start, "sql(1)")
    assert o["line_end"] == fixture_line(rel, "COMMIT TRANSACTION\n            END}") + 1
    assert o["proc_path"] == "build_mssqlstpcc/CreateStoredProcs"


def test_runtime_tcl_vars_substituted_by_default(ex):
    recs = by_id(ex.records)
    q1 = recs["hammerdb:tpch:q01"]
    assert q1["tsql"] == "select count_big(*) as n from book where b_id > :1 option (maxdop 2)"
    assert "tsql: tcl-var-substituted: $maxdop=2" in q1["notes"]
    assert q1["origin"]["tsql"]["tcl_vars"] == ["$maxdop"]
    q3 = recs["hammerdb:tpch:q03"]
    assert "shelfview1 (s)" in q3["tsql"] and "drop view shelfview1" in q3["oracle"]
    assert "$" not in q3["tsql"] + q3["oracle"]


def test_maxdop_position_and_keep_tcl_vars():
    recs = by_id(hdb.extract(FIXTURE, maxdop=8, position=3))
    assert recs["hammerdb:tpch:q01"]["tsql"].endswith("option (maxdop 8)")
    assert "drop view shelfview3" in recs["hammerdb:tpch:q03"]["oracle"]
    assert recs["hammerdb:tpch:ddl:shelf.shelf_pk"]["tsql"].endswith("with (maxdop=8)")
    kept = by_id(hdb.extract(FIXTURE, keep_tcl_vars=True))
    assert kept["hammerdb:tpch:q01"]["tsql"].endswith("option (maxdop $maxdop)")
    assert "shelfview$myposition" in kept["hammerdb:tpch:q03"]["oracle"]
    assert "tsql: tcl-var-unresolved: $maxdop" in kept["hammerdb:tpch:q01"]["notes"]


def test_other_tcl_vars_left_and_backslashes_decoded(ex):
    q4 = by_id(ex.records)["hammerdb:tpch:q04"]
    assert q4["tsql"] == "select [b_title] from book where b_shelf = :1 and b_title <> '$title'"
    assert q4["origin"]["tsql"]["tcl_word"] == "quote-backslash-decoded"
    assert "tsql: tcl-var-unresolved: $title" in q4["notes"]
    assert "oracle: tcl-var-unresolved: $title" in q4["notes"]


def test_markers_and_multi_statement_notes(ex):
    recs = by_id(ex.records)
    q3 = recs["hammerdb:tpch:q03"]
    assert any(n.startswith("tpch-substitution-markers: :2 ") for n in q3["notes"])
    assert any(n.startswith("multi-statement: 3 statements") for n in q3["notes"])
    assert q3["tsql"].count(";") == 2                     # kept as one pair, text as is
    assert q3["origin"]["oracle"]["placeholders"] == [":2"]
    assert not any(n.startswith("multi-statement") for n in recs["hammerdb:tpch:q01"]["notes"])


def test_last_assignment_wins_and_timesten_branch(ex):
    recs = by_id(ex.records)
    assert recs["hammerdb:tpch:q02"]["tsql"].startswith("select top 5 s_name")
    assert recs["hammerdb:tpch:q01"]["oracle"] == "select count(*) as n from book where b_id > :1"
    assert recs["hammerdb:tpch:q01"]["origin"]["oracle"]["conditions"] == ["if[!$timesten]"]


def test_calls(ex):
    recs = by_id(ex.records)
    call = recs["hammerdb:tpcc:shelve:call"]
    assert call["tsql"] == "EXEC shelve @b_id = :b_id, @s_id = :s_id"
    assert call["oracle"] == "BEGIN shelve(:b_id,:s_id); END;"
    assert call["origin"]["tsql"]["conditions"] == ["switch[shelve_st]"]
    assert call["origin"]["oracle"]["tcl_var"] == "sql_sh"
    assert recs["hammerdb:tpcc:lookup:call"]["oracle"] == "BEGIN lookup(:b_id,:title); END;"


def test_ddl_pairs_by_table_and_object(ex):
    recs = by_id(ex.records)
    ddl = {r["id"] for r in ex.records if r["category"] == "ddl"}
    assert ddl == {"hammerdb:tpcc:ddl:shelf", "hammerdb:tpcc:ddl:book", "hammerdb:tpcc:ddl:book.book_i1",
                   "hammerdb:tpch:ddl:shelf", "hammerdb:tpch:ddl:book", "hammerdb:tpch:ddl:shelf.shelf_pk",
                   "hammerdb:tpch:ddl:book.book_shelf_fk"}
    assert recs["hammerdb:tpcc:ddl:book.book_i1"]["object"] == "hammerdb:tpcc:table:book"
    fk = recs["hammerdb:tpch:ddl:book.book_shelf_fk"]
    assert fk["tsql"] == ("alter table dbo.book with nocheck add constraint book_shelf_fk foreign key (b_shelf) "
                          "references dbo.shelf (s_id);\nalter table dbo.book check constraint book_shelf_fk")
    assert "tsql: joined 2 statements" in fk["notes"]
    pk = recs["hammerdb:tpch:ddl:shelf.shelf_pk"]
    assert pk["oracle"].startswith("CREATE UNIQUE INDEX SHELF_PK ON SHELF(S_ID);\nALTER TABLE SHELF")
    assert pk["tsql"].endswith("with (maxdop=2)")
    detail = ex.stats["unpaired_detail"]["ddl"]
    assert sorted(x.split(":")[-1] for x in detail["mssql"]) == [
        "alter_table_book", "alter_table_book", "index_b_shelf_ind"]
    assert sorted(x.split(":")[-1] for x in detail["oracle"]) == ["alter_session", "create_view_book_shelf"]


def test_ddl_identity():
    assert hdb.ddl_identity("CREATE TABLE [dbo].[order_line]( [x] int)") == \
        ("create_table_order_line", "order_line", "order_line")
    assert hdb.ddl_identity("create clustered columnstore index ord_cs ON dbo.orders") == \
        ("index_ord_cs", "orders", "ord_cs")
    assert hdb.ddl_identity("alter table dbo.nation  with nocheck add  constraint nation_fk foreign key(n)") == \
        ("alter_table_nation", "nation", "nation_fk")
    assert hdb.ddl_identity("ALTER TABLE [dbo].[item] SET (LOCK_ESCALATION = DISABLE)")[2] == "set_lock_escalation"
    assert hdb.ddl_identity("alter session set sort_area_size=5") == ("alter_session", None, "alter_session")


def test_variant_configs():
    imdb = hdb.extract_all(FIXTURE, config={"imdb": 1, "timesten": 1, "num_part": 10})
    recs = by_id(imdb.records)
    assert "WITH (updlock)" not in recs["hammerdb:tpcc:shelve"]["tsql"]
    assert "EXECUTE IMMEDIATE" in recs["hammerdb:tpcc:shelve"]["oracle"]
    assert recs["hammerdb:tpch:q01"]["oracle"].startswith("select cast(count(*) as NUMBER)")
    assert imdb.stats["statements"]["mssql"]["procedures"] == 1
    sub = [s for s in imdb.statements if s.dialect == "mssql" and s.bench == "tpcc" and s.role == "ddl"]
    assert len(sub) == 1 and sub[0].tcl_word == "subst-nocommands-brace-verbatim"
    assert sub[0].raw.endswith("DURABILITY = $durability)") and sub[0].tcl_vars == ["$book_bc", "$durability"]
    clus = hdb.extract_all(FIXTURE, config={"hash_clusters": 1})
    paths = [hdb.statement_path(s) for s in clus.statements if s.dialect == "oracle" and s.bench == "tpcc"]
    assert "schema/oracle/tpcc_0clusters_01_create_cluster_shelfcluster.sql" in paths


def test_extract_files_layout_and_manifest(tmp_path):
    stats = hdb.extract_files(FIXTURE, tmp_path, keep_tcl_vars=True)
    assert stats["written"] == 4 + 5 + 2 + 2 + 2 + 2 + 11 + 10
    q1 = tmp_path / "tpch/mssql/q01.sql"
    assert q1.read_text() == "select count_big(*) as n from book where b_id > :1 option (maxdop $maxdop)"
    assert (tmp_path / "tpcc/oracle/shelve.sql").read_text().endswith("END;\n        ")
    assert (tmp_path / "tpcc/mssql/calls/lookup_call.sql").read_text() == "EXEC lookup @b_id = :b_id"
    assert (tmp_path / "schema/mssql/tpcc_1tables_03_alter_table_book.sql").is_file()
    assert (tmp_path / "schema/oracle/tpch_2indexes_04_alter_session.sql").is_file()
    manifest = [json.loads(line) for line in (tmp_path / "manifest.jsonl").read_text().splitlines()]
    assert len(manifest) == stats["written"]
    for m in manifest:
        data = (tmp_path / m["out"]).read_bytes()
        assert m["sha256"] == hashlib.sha256(data).hexdigest() and m["bytes"] == len(data)
    q1m = next(m for m in manifest if m["out"] == "tpch/mssql/q01.sql")
    assert q1m["unresolved_tcl_vars"] == ["$maxdop"] and q1m["placeholders"] == [":1"]
    pairs = (tmp_path / "pairs.jsonl").read_text().splitlines()
    assert len(pairs) == 15


def test_cli_prints_counts(capsys, tmp_path):
    assert hdb.main(["--hammerdb", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert "queries       4" in out and "ddl           7" in out and "unpaired mssql 3, oracle 2" in out
    assert hdb.main(["--hammerdb", str(FIXTURE), "--out", str(tmp_path / "o"), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["pairs"]["procedures"] == 2 and stats["written"] == 38


def _copy_fixture(tmp_path: Path) -> Path:
    dst = tmp_path / "checkout"
    shutil.copytree(FIXTURE, dst)
    return dst


def test_missing_file_names_the_file(tmp_path, capsys):
    root = _copy_fixture(tmp_path)
    (root / "src/oracle/oraoltp.tcl").unlink()
    with pytest.raises(hdb.HammerDBLayoutError, match=r"src/oracle/oraoltp\.tcl: file not found"):
        hdb.extract(root)
    assert hdb.main(["--hammerdb", str(root)]) == 2
    assert "oraoltp.tcl" in capsys.readouterr().err


def test_missing_proc_names_the_pattern(tmp_path):
    root = _copy_fixture(tmp_path)
    path = root / "src/mssqlserver/mssqlsolap.tcl"
    path.write_text(path.read_text().replace("proc set_query {", "proc set_queries {"))
    with pytest.raises(hdb.HammerDBLayoutError, match=r"mssqlsolap\.tcl: proc loadmssqlstpch: `proc set_query` not found"):
        hdb.extract(root)


def test_unknown_condition_variable_is_an_error(tmp_path):
    root = _copy_fixture(tmp_path)
    path = root / "src/oracle/oraoltp.tcl"
    path.write_text(path.read_text().replace("if { $timesten && $num_part != 0 }", "if { $exadata }"))
    with pytest.raises(hdb.HammerDBLayoutError, match=r"oraoltp\.tcl:\d+: condition \{\$exadata\} uses \$exadata"):
        hdb.extract(root)
