"""Corpus builder: rule-generated pairs, renaming augmentation, self-repair pairs, dedupe,
splits by object, chat format from the inference prompt, manifest, determinism, CLI."""

import json
import re
import random
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from migrator.model.prompt import PROMPT_VERSION, PromptContext, render_messages
from training.corpus.build import CorpusOptions, build_corpus, dedupe, normalise, schema_lines, split_of
from training.corpus.rulepairs import RuleStats, load_sources, rename_sources, repair_pairs, rule_pairs

TABLES = """
CREATE TABLE dbo.Customer (CustomerId INT NOT NULL PRIMARY KEY, Name NVARCHAR(50) NOT NULL, City NVARCHAR(30) NULL)
GO
CREATE TABLE dbo.Orders (OrderId INT IDENTITY(1,1) PRIMARY KEY, CustomerId INT NOT NULL, Amount MONEY NOT NULL,
                         PlacedAt DATETIME NOT NULL DEFAULT GETDATE())
GO
"""
PROC = """
CREATE PROCEDURE dbo.GetOrders @CustomerId INT, @Total MONEY OUTPUT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT @Total = SUM(Amount) FROM dbo.Orders WHERE CustomerId = @CustomerId;
    IF @Total IS NULL
        SET @Total = 0;
    SELECT o.OrderId, o.Amount FROM dbo.Orders o WHERE o.CustomerId = @CustomerId;
END
GO
"""
MARKED = """
SELECT name FROM sys.objects WHERE type = 'U'
GO
"""


@pytest.fixture()
def tree(tmp_path):
    root = tmp_path / "proj"
    (root / "tables").mkdir(parents=True)
    (root / "procs").mkdir()
    (root / "_original").mkdir()
    (root / "tables" / "tables.sql").write_text(TABLES)
    (root / "procs" / "GetOrders.sql").write_text(PROC)
    (root / "procs" / "catalog.sql").write_text(MARKED)
    (root / "_original" / "all.sql").write_text(TABLES + PROC)
    return root


@pytest.fixture()
def cards(tmp_path):
    d = tmp_path / "cards"
    d.mkdir()
    (d / "schema.sql").write_text("CREATE TABLE S9_ITEM (ITEM_ID NUMBER(10) NOT NULL, NAME NVARCHAR2(40));\n")
    (d / "misc.yaml").write_text(textwrap.dedent("""
        category: expressions
        cards:
          - id: isnull-nvl
            tsql: SELECT ISNULL(Name, 'x') FROM S9_Item
            oracle: SELECT NVL(NAME, 'x') FROM S9_ITEM;
          - id: top-fetch
            category: queries
            tsql: SELECT TOP 5 Name FROM S9_Item ORDER BY Name
            oracle: |
              SELECT NAME FROM S9_ITEM ORDER BY NAME FETCH FIRST 5 ROWS ONLY;
        """))
    return d


def test_rule_pairs_keep_clean_units_and_count_marked(tree):
    st = RuleStats()
    recs = rule_pairs(tree, stats=st)
    assert st.files == 3  # _original/ skipped
    assert st.marked >= 1 and st.kept == len(recs) >= 3
    proc = next(r for r in recs if r["category"] == "procedures")
    assert "CREATE OR REPLACE PROCEDURE GETORDERS" in proc["oracle"]
    assert "MIGRATION TODO" not in proc["oracle"]
    assert proc["object"] == "proj:procs/GetOrders.sql#procedure:dbo.GetOrders"
    ctx = PromptContext.from_dict(proc["context"])
    assert any(t.startswith("TABLE ORDERS (ORDERID NUMBER(10)") for t in ctx.tables)
    assert all("sys.objects" not in r["tsql"] for r in recs)


def test_renaming_is_consistent_across_files_and_reconverts(tree):
    sources = load_sources(tree)
    renamed, mapping = rename_sources(sources, random.Random(1))
    new_orders = mapping["orders"]
    text = "\n".join(s.text for s in renamed)
    assert not re.search(r"\bOrders\b", text)  # every identifier use renamed
    assert "GetOrders" not in text and mapping["getorders"] in text
    assert text.count(new_orders) == 3  # table DDL + two uses in the procedure
    assert "@CustomerId" not in text and "SET NOCOUNT ON" in text  # variables renamed, keywords kept
    recs = rule_pairs(tree, augment=1, seed=1)
    aug = [r for r in recs if r["source"] == "augmented"]
    assert aug and all(r["object"] in {o["object"] for o in recs if o["source"] == "rules"} for r in aug)
    proc = next(r for r in aug if r["category"] == "procedures")
    assert new_orders.upper() in proc["oracle"] or mapping["orders"].upper() in proc["oracle"]


def test_repair_pairs_carry_real_validator_errors(tree):
    recs = rule_pairs(tree)
    rep = repair_pairs(recs, random.Random(0), per_record=2)
    assert rep
    for r in rep:
        assert r["wrong"] != r["oracle"] and r["errors"]
        assert all(e.split()[0][:3] in ("PLS", "ORA", "MIG") for e in r["errors"])


def test_dedupe_prefers_flashcards_and_normalises():
    a = {"id": "rules:1", "source": "rules", "tsql": "SELECT  1", "oracle": "SELECT 1 FROM DUAL;", "object": "a"}
    b = {"id": "flashcard:x", "source": "flashcard", "tsql": "select 1", "oracle": "SELECT 1 FROM DUAL;", "object": "b"}
    kept, removed = dedupe([a, b])
    assert removed == 1 and kept[0]["id"] == "flashcard:x"
    assert normalise("A\n  b") == "a b"


def test_split_is_by_object_and_deterministic():
    assert split_of("x", (0.8, 0.1, 0.1)) == split_of("x", (0.8, 0.1, 0.1))
    splits = {split_of(f"o{i}", (0.8, 0.1, 0.1)) for i in range(200)}
    assert splits == {"train", "validation", "test"}


def test_schema_lines():
    lines = schema_lines("-- c\nCREATE TABLE A (X NUMBER(10),\n  Y DATE);\nCREATE GLOBAL TEMPORARY TABLE T (Z NUMBER) ON COMMIT PRESERVE ROWS;")
    assert lines == {"A": "TABLE A (X NUMBER(10), Y DATE)", "T": "TABLE T (Z NUMBER)"}


def test_build_corpus_end_to_end(tree, cards, tmp_path):
    out = tmp_path / "out"
    m = build_corpus(CorpusOptions(out=out, tsql=[tree], flashcards=cards, augment=1, seed=3), log=lambda _: None)
    rows = {s: [json.loads(l) for l in (out / f"{s}.jsonl").read_text().splitlines()]
            for s in ("train", "validation", "test")}
    allrows = [r for v in rows.values() for r in v]
    assert m["counts"]["total"] == len(allrows)
    assert m["counts"]["by_source"]["flashcard"] == 2
    assert m["prompt_version"] == PROMPT_VERSION and len(m["dataset_version"]) == 64
    objs = {s: {r["object"] for r in v} for s, v in rows.items()}
    assert not (objs["train"] & objs["test"]) and not (objs["train"] & objs["validation"])
    for r in allrows:  # chat format is exactly the inference prompt + the answer
        ctx = PromptContext.from_dict(r["context"])
        if r["source"] == "repair":
            expect = render_messages(r["tsql"], ctx, previous=r["wrong"], errors=r["errors"], answer=r["oracle"])
        else:
            expect = render_messages(r["tsql"], ctx, answer=r["oracle"])
        assert r["messages"] == expect
        assert r["messages"][-1]["role"] == "assistant" and r["messages"][-1]["content"] == r["oracle"].strip("\n")
    card = next(r for r in allrows if r["id"] == "flashcard:isnull-nvl")
    assert card["context"]["tables"] == ["TABLE S9_ITEM (ITEM_ID NUMBER(10) NOT NULL, NAME NVARCHAR2(40))"]
    # same inputs -> byte-identical outputs
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    build_corpus(CorpusOptions(out=out, tsql=[tree], flashcards=cards, augment=1, seed=3), log=lambda _: None)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first


def test_cli_corpus(tree, cards, tmp_path):
    from migrator.cli import main

    out = tmp_path / "o"
    r = CliRunner().invoke(main, ["train", "corpus", "-o", str(out), "--tsql", str(tree), "--flashcards", str(cards),
                                  "--augment", "0", "--no-repair"])
    assert r.exit_code == 0, r.output
    assert "pairs" in r.output and (out / "manifest.json").exists()
    r = CliRunner().invoke(main, ["train", "corpus", "-o", str(out), "--split", "0.5,0.5"])
    assert r.exit_code == 2


def test_hammerdb_pairs_join_the_corpus_with_schema_context(tmp_path):
    from training.corpus.build import hammerdb_records

    checkout = Path(__file__).parent / "data" / "hammerdb"
    recs = hammerdb_records(checkout)
    assert recs and all(r["source"] == "hammerdb" for r in recs)
    cats = {r["category"] for r in recs}
    assert {"queries", "procedures", "calls"} <= cats
    proc = next(r for r in recs if r["category"] == "procedures" and "@loop$bound" in r["tsql"])
    assert proc["object"] == next(r["object"] for r in recs if r["category"] == "calls"
                                  and r["object"] == proc["object"])  # procedure and its call: one split group
    assert any(PromptContext.from_dict(r["context"]).tables for r in recs if r["category"] != "ddl")
    m = build_corpus(CorpusOptions(out=tmp_path / "o", hammerdb=checkout, no_flashcards=True, repair=False),
                     log=lambda _: None)
    assert m["counts"]["by_source"] == {"hammerdb": len(recs)}
