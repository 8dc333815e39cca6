"""End to end on CPU: a tiny Llama trained here on a handful of flashcards of one hard construct
(FOR XML PATH, which the rules keep as MIGRATION TODO [TS0411]) converts that construct through
the real pipeline: routing -> prompt -> generation (transformers + LoRA) -> guardrail ->
validation -> output with provenance. The same model with random weights produces garbage, which
the guardrail rejects: the markers stay.

The training examples are the exact prompts the pipeline sends (recorded from a first run), so
what the model learnt is what it is asked — the same contract ``migrate train corpus`` keeps by
rendering its examples with the inference prompt template."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("trl")
pytest.importorskip("peft")

from migrator.config import Config  # noqa: E402
from migrator.convert import MARKED, MODEL  # noqa: E402
from migrator.model.backends import Backend, ModelConfig  # noqa: E402
from migrator.model.route import provenance  # noqa: E402
from migrator.pipeline import convert_tree  # noqa: E402
from migrator.report import write_reports  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TABLES = """CREATE TABLE dbo.Item (ItemId INT NOT NULL, Name NVARCHAR(40) NULL)
GO
CREATE TABLE dbo.Region (RegionId INT NOT NULL, Label NVARCHAR(40) NULL)
GO
CREATE TABLE dbo.Color (ColorId INT NOT NULL, Code NVARCHAR(10) NULL)
GO
"""
CARDS = {
    "items": ("SELECT Name FROM dbo.Item FOR XML PATH('item'), ROOT('items')",
              'SELECT XMLELEMENT("items", XMLAGG(XMLELEMENT("item", XMLELEMENT("Name", NAME)))) AS XML FROM ITEM;'),
    "regions": ("SELECT Label FROM dbo.Region FOR XML PATH('region'), ROOT('regions')",
                'SELECT XMLELEMENT("regions", XMLAGG(XMLELEMENT("region", XMLELEMENT("Label", LABEL)))) AS XML '
                'FROM REGION;'),
    "colors": ("SELECT Code FROM dbo.Color FOR XML PATH('color'), ROOT('colors')",
               'SELECT XMLELEMENT("colors", XMLAGG(XMLELEMENT("color", XMLELEMENT("Code", CODE)))) AS XML '
               'FROM COLOR;'),
}


class Recorder(Backend):
    """Answers nothing; keeps the prompts the pipeline sends."""

    def __init__(self):
        super().__init__(ModelConfig(backend="transformers", model="recorder"))
        self.prompts: list[list[dict]] = []

    def generate(self, prompts, n=1):
        self.prompts += prompts
        return [[""] * n for _ in prompts]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("tsql")
    (src / "tables.sql").write_text(TABLES)
    for name, (tsql, _oracle) in CARDS.items():
        (src / f"{name}.sql").write_text(tsql + "\nGO\n")
    return src


@pytest.fixture(scope="module")
def trained(project, tmp_path_factory) -> dict:
    from training.config import load_config
    from training.sft import run_sft

    work = tmp_path_factory.mktemp("train")
    rec = Recorder()
    run = convert_tree(str(project), str(work / "first"), Config(model={"repair": False}), jobs=1, model_backend=rec)
    assert [u.status for f in run.files for u in f.units].count(MARKED) == 3
    records = []
    for messages in rec.prompts:  # the routed prompts, answered by the flashcards
        name = next(k for k, (tsql, _o) in CARDS.items() if tsql in messages[-1]["content"])
        records.append({"id": name, "source": "flashcard", "category": "for_xml", "object": name,
                        "tsql": CARDS[name][0], "oracle": CARDS[name][1], "context": {},
                        "messages": messages + [{"role": "assistant", "content": CARDS[name][1]}]})
    data = work / "data"
    data.mkdir()
    for split in ("train", "validation", "test"):
        (data / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (data / "manifest.json").write_text(json.dumps({"dataset_version": "e2e", "prompt_version": "1"}))
    cfg = load_config(ROOT / "training" / "configs" / "tiny-cpu.yaml",
                      [f"data.dir={data}", f"output_dir={work / 'run'}", "data.eval_split=null",
                       "training.max_steps=40", "training.learning_rate=0.02", "training.per_device_batch_size=3",
                       "training.save_steps=1000", "training.verify_weights=false"])
    return run_sft(cfg, log=lambda m: None)


def _convert(project: Path, out: Path, backend, accept: bool):
    cfg = Config(model={"backend": "transformers", "model": "tiny", "accept": accept, "max_tokens": 120})
    run = convert_tree(str(project), str(out), cfg, jobs=1, model_backend=backend)
    return run, write_reports(run, str(out))


def test_trained_tiny_model_converts_the_construct_through_the_pipeline(project, trained, tmp_path):
    from migrator.model.backends.hf import TransformersBackend

    assert trained["losses"][-1] < trained["losses"][0] / 3
    be = TransformersBackend(ModelConfig(backend="transformers", model=trained["base_model"],
                                         adapter=trained["adapter"], max_tokens=120))
    run, report = _convert(project, tmp_path / "out", be, accept=True)
    for name, (_tsql, oracle) in CARDS.items():
        text = (tmp_path / "out" / f"{name}.sql").read_text()
        assert text == provenance(be.model_id) + "\n" + oracle + "\n", text
    statuses = {f.path: [u.status for u in f.units] for f in run.files}
    assert statuses["items.sql"] == [MODEL] and statuses["tables.sql"] == ["converted"] * 3
    m = report["summary"]["model"]
    assert (m["routed"], m["accepted"], m["rejected"]) == (3, 3, 0)
    assert report["summary"]["units"][MODEL] == 3
    log = [json.loads(line) for line in (tmp_path / "out" / "model-attempts.jsonl").read_text().splitlines()]
    assert all(e["ok"] and e["model"] == be.model_id for e in log)


def test_random_weight_model_is_rejected_and_markers_stay(project, trained, tmp_path):
    from migrator.model.backends.hf import TransformersBackend

    be = TransformersBackend(ModelConfig(backend="transformers", model=trained["base_model"], max_tokens=60))
    run, report = _convert(project, tmp_path / "out", be, accept=True)
    for name, (tsql, _oracle) in CARDS.items():
        text = (tmp_path / "out" / f"{name}.sql").read_text()
        assert text.startswith("-- MIGRATION TODO [TS0411]") and tsql in text
        assert "MIGRATION NOTE [MODEL]" not in text and "SUGGESTION" not in text
    m = report["summary"]["model"]
    assert (m["routed"], m["accepted"], m["rejected"]) == (3, 0, 3)
    log = [json.loads(line) for line in (tmp_path / "out" / "model-attempts.jsonl").read_text().splitlines()]
    assert len(log) == 6 and not any(e["ok"] for e in log)  # first try + one repair turn each, all rejected
