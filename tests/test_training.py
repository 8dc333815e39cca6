"""Fine-tuning, evaluation and packaging on CPU with a tiny Llama built in code (no hub access).

One module-scoped run of ``training/configs/tiny-cpu.yaml`` on a small corpus written here
(same shape as ``migrate train corpus``) feeds most tests; the whole file runs in well under
a minute on two cores.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")
pytest.importorskip("peft")

from click.testing import CliRunner  # noqa: E402

from migrator.model.backends import Backend, ModelConfig  # noqa: E402
from migrator.model.prompt import PromptContext, render_messages  # noqa: E402
from training.config import ConfigError, load_config  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TINY_YAML = ROOT / "training" / "configs" / "tiny-cpu.yaml"

PAIRS = [
    ("select", "SELECT TOP 5 * FROM dbo.Orders", "SELECT * FROM ORDERS FETCH FIRST 5 ROWS ONLY;"),
    ("select", "SELECT ISNULL(Name, '') FROM dbo.Customers", "SELECT NVL(NAME, '') FROM CUSTOMERS;"),
    ("select", "SELECT GETDATE()", "SELECT SYSTIMESTAMP FROM DUAL;"),
    ("dml", "DELETE FROM dbo.Orders WHERE OrderId = 1", "DELETE FROM ORDERS WHERE ORDER_ID = 1;"),
    ("dml", "UPDATE dbo.Orders SET Qty = 2 WHERE OrderId = 3", "UPDATE ORDERS SET QTY = 2 WHERE ORDER_ID = 3;"),
    ("procedure", "CREATE PROCEDURE dbo.P AS BEGIN PRINT 'x' END",
     "CREATE OR REPLACE PROCEDURE P AS\nBEGIN\n  DBMS_OUTPUT.PUT_LINE('x');\nEND;\n/"),
]


def write_corpus(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    splits: dict[str, list[dict]] = {"train": [], "validation": [], "test": []}
    for i in range(24):
        cat, tsql, oracle = PAIRS[i % len(PAIRS)]
        split = "train" if i < 16 else ("validation" if i < 20 else "test")
        ctx = PromptContext(tables=["TABLE ORDERS (ORDER_ID NUMBER(10), QTY NUMBER(10))"] if i % 2 else [])
        splits[split].append({"id": f"ex{i}", "source": "flashcard", "category": cat, "object": f"obj{i}",
                              "tsql": tsql, "oracle": oracle, "context": ctx.to_dict(),
                              "messages": render_messages(tsql, ctx, answer=oracle)})
    for name, recs in splits.items():
        (out / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"dataset_version": "d" * 64, "prompt_version": "1"}))
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory) -> dict:
    from training.sft import run_sft

    out = tmp_path_factory.mktemp("run")
    cfg = load_config(TINY_YAML, [f"data.dir={corpus}", f"output_dir={out}"])
    summary = run_sft(cfg, log=lambda m: None)
    return {"out": out, "summary": summary, "config": cfg}


def _lora_tensors(adapter: Path) -> dict:
    from safetensors.torch import load_file

    return load_file(str(adapter / "adapter_model.safetensors"))


# --- the tiny model -------------------------------------------------------------------------

def test_tiny_model_and_tokenizer(tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from training.tiny import build_tiny_model

    msgs = render_messages(PAIRS[0][1], answer=PAIRS[0][2])
    d = build_tiny_model(tmp_path / "m", [m["content"] for m in msgs] * 2, vocab_size=400)
    tok = AutoTokenizer.from_pretrained(str(d))
    model = AutoModelForCausalLM.from_pretrained(str(d))
    assert model.config.model_type == "llama" and model.config.num_hidden_layers == 2
    assert len(tok) == model.config.vocab_size <= 400
    text = "SELECT * FROM ORDERS FETCH FIRST 5 ROWS ONLY;"
    assert tok.decode(tok(text, add_special_tokens=False)["input_ids"]) == text
    enc = tok.apply_chat_template(msgs, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
    trained = [i for i, m in zip(enc["input_ids"], enc["assistant_masks"]) if m]
    assert tok.decode(trained) == PAIRS[0][2] + tok.eos_token
    prompt = tok.apply_chat_template(msgs[:2], tokenize=True, add_generation_prompt=True, return_dict=True)
    assert enc["input_ids"][:len(prompt["input_ids"])] == prompt["input_ids"]


# --- configuration --------------------------------------------------------------------------

def _yaml(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "run.yaml"
    p.write_text(text)
    return p


BASE_YAML = """run_name: t
output_dir: out
model: {path: models/base}
data: {dir: corpus}
"""


def test_config_paths_resolve_relative_to_yaml_and_overrides_to_cwd(tmp_path):
    cfg = load_config(_yaml(tmp_path, BASE_YAML), ["data.dir=elsewhere", "training.max_steps=7"], cwd=tmp_path / "w")
    assert cfg.output_dir == tmp_path / "out"
    assert cfg.model.path == tmp_path / "models" / "base"
    assert cfg.data.dir == tmp_path / "w" / "elsewhere"
    assert cfg.training.max_steps == 7 and cfg.lora.r == 32


@pytest.mark.parametrize("text, message", [
    (BASE_YAML + "trainng: {epochs: 1}\n", "trainng"),
    (BASE_YAML + "lora: {rank: 8}\n", "lora.rank"),
    (BASE_YAML.replace("model: {path: models/base}", "model: {path: m, build_tiny: true}"), "exactly one"),
    (BASE_YAML.replace("model: {path: models/base}", "model: {}"), "exactly one"),
    (BASE_YAML.replace("data: {dir: corpus}\n", ""), "data"),
    (BASE_YAML + "training: {bf16: true, device: cpu}\n", "bf16"),
    (BASE_YAML + "training: {learning_rate: 0}\n", "learning_rate"),
    (BASE_YAML + "lora: {target_modules: []}\n", "target_modules"),
    (BASE_YAML.replace("model: {path: models/base}", "model: {path: m, quantization: 2bit}"), "quantization"),
])
def test_config_errors(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_config(_yaml(tmp_path, text))


def test_quantized_config_validates_and_needs_cuda_to_load(tmp_path):
    from training.sft import quantization_config, quantization_method

    cfg = load_config(_yaml(tmp_path, BASE_YAML.replace("{path: models/base}", "{path: m, quantization: 4bit}")))
    assert quantization_method(cfg) == "bitsandbytes-nf4-double-quant"
    if torch.cuda.is_available():
        pytest.skip("bitsandbytes loading is exercised on CUDA machines only")
    with pytest.raises(RuntimeError, match="CUDA"):
        quantization_config(cfg)


def test_shipped_configs_validate():
    configs = ROOT / "training" / "configs"
    for name in ("tiny-cpu", "qwen2.5-coder-7b-lora", "mistral-small-24b-lora"):
        cfg = load_config(configs / f"{name}.yaml")
        assert cfg.run_name
    big = load_config(configs / "mistral-small-24b-lora.yaml")
    assert big.lora.r == 32 and big.training.bf16 and big.model.chat_template.is_file()
    assert "{% generation %}" in big.model.chat_template.read_text().replace("{%- generation %}", "{% generation %}")
    for f in (configs / "deepspeed").glob("*.json"):
        assert json.loads(f.read_text())["zero_optimization"]["stage"] in (2, 3)
    import yaml

    for f in (configs / "accelerate").glob("*.yaml"):
        assert yaml.safe_load(f.read_text())["num_processes"] >= 1


# --- fine-tuning ----------------------------------------------------------------------------

def test_debug_shows_only_the_assistant_answer_is_trained(corpus, tmp_path):
    from training.sft import build_trainer, debug_tokens, format_debug

    cfg = load_config(TINY_YAML, [f"data.dir={corpus}", f"output_dir={tmp_path}"])
    run = build_trainer(cfg, log=lambda m: None)
    examples = debug_tokens(run, 3)
    assert len(examples) == 3
    for rec, toks in zip(run.train_records, examples):
        trained = "".join(text for _id, text, flag in toks if flag)
        assert trained == rec["oracle"] + run.tokenizer.eos_token
        masked = "".join(text for _id, text, flag in toks if not flag)
        assert rec["tsql"] in masked and "You convert Microsoft SQL Server" in masked
    text = format_debug(examples, run.train_records)
    assert "[TRAINED] 'SELECT * FROM ORDERS FETCH FIRST 5 ROWS ONLY;<|end|>'" in text
    assert "example 0 (ex0)" in text


def test_cli_sft_debug_and_bad_config(corpus, tmp_path):
    from training.cli import train

    r = CliRunner().invoke(train, ["sft", "--config", str(TINY_YAML), "--set", f"data.dir={corpus}",
                                   "--set", f"output_dir={tmp_path / 'o'}", "--debug", "--debug-examples", "1"])
    assert r.exit_code == 0, r.output
    assert "[TRAINED]" in r.output and "[masked ]" in r.output
    assert not (tmp_path / "o" / "adapter").exists()
    bad = _yaml(tmp_path, BASE_YAML + "unknown_key: 1\n")
    r = CliRunner().invoke(train, ["sft", "--config", str(bad)])
    assert r.exit_code == 2 and "unknown_key" in r.output


def test_training_loss_falls_and_outputs_are_written(trained):
    s, out = trained["summary"], trained["out"]
    losses = s["losses"]
    assert s["global_step"] == 16 and len(losses) == 16
    assert sum(losses[-3:]) / 3 < losses[0] - 0.5, losses
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if "loss" in r] == list(range(1, 17))
    assert any("eval_loss" in r for r in rows)
    run_json = json.loads((out / "run.json").read_text())
    assert run_json["dataset"]["dataset_version"] == "d" * 64 and run_json["global_step"] == 16
    assert sorted(p.name for p in (out / "checkpoints").glob("checkpoint-*")) == ["checkpoint-16", "checkpoint-8"]
    assert (out / "adapter" / "adapter_model.safetensors").is_file()


def test_adapter_weights_change_and_base_weights_do_not(trained):
    check = trained["summary"]["weights_check"]
    assert check["trainable_tensors"] > 0 and check["trainable_changed"] == check["trainable_tensors"]
    assert check["frozen_tensors"] > 0 and check["frozen_changed"] == 0
    lora = _lora_tensors(trained["out"] / "adapter")
    b = [t for k, t in lora.items() if "lora_B" in k]
    assert b and all(t.abs().sum() > 0 for t in b)       # lora_B starts at zero
    base_dir = trained["out"] / "base-model"
    from safetensors.torch import load_file

    assert not any("lora" in k for k in load_file(str(base_dir / "model.safetensors")))


def test_resume_continues_from_the_latest_checkpoint(trained, tmp_path):
    from training.sft import run_sft

    out = tmp_path / "resumed"
    shutil.copytree(trained["out"], out)
    shutil.rmtree(out / "checkpoints" / "checkpoint-16")
    cfg = load_config(TINY_YAML, [f"data.dir={trained['config'].data.dir}", f"output_dir={out}",
                                  "training.max_steps=18"])
    s = run_sft(cfg, resume=True, log=lambda m: None)
    assert s["resumed_from"].endswith("checkpoint-8")
    assert s["global_step"] == 18 and len(s["losses"]) == 10        # steps 9..18 only


def _logits(model, ids):
    with torch.no_grad():
        return model(input_ids=ids).logits


def test_adapter_loads_and_merged_model_equals_adapter_model(trained, tmp_path):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from migrator.model.backends.hf import TransformersBackend
    from training.package import PackageOptions, package

    base_dir, adapter = trained["out"] / "base-model", trained["out"] / "adapter"
    ids = torch.tensor([[5, 17, 42, 99, 123, 7, 250, 31]])
    base_logits = _logits(AutoModelForCausalLM.from_pretrained(str(base_dir)).eval(), ids)
    with_adapter = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(str(base_dir)), str(adapter)).eval()
    adapter_logits = _logits(with_adapter, ids)
    assert not torch.allclose(base_logits, adapter_logits, atol=1e-3)      # the adapter does something

    manifest = package(PackageOptions(adapter=adapter, out=tmp_path / "pkg", merge=True), log=lambda m: None)
    merged_dir = tmp_path / "pkg" / "model"
    merged = AutoModelForCausalLM.from_pretrained(str(merged_dir)).eval()
    assert not any("lora" in n for n, _ in merged.named_parameters())
    torch.testing.assert_close(_logits(merged, ids), adapter_logits, atol=1e-4, rtol=1e-4)

    prompts = [r["messages"][:2] for r in map(json.loads, (trained["config"].data.dir / "test.jsonl")
                                                .read_text().splitlines())][:2]
    common = dict(backend="transformers", device="cpu", max_tokens=12)
    via_adapter = TransformersBackend(ModelConfig(model=str(base_dir), adapter=str(adapter), **common))
    via_merged = TransformersBackend(ModelConfig(model=str(merged_dir), **common))
    a, m = via_adapter.generate(prompts), via_merged.generate(prompts)
    assert a == m and len(a) == 2 and all(len(x) == 1 for x in a)
    assert manifest["mode"] == "merged"
    assert manifest["merged_model"]["files"]["model.safetensors"] == \
        hashlib.sha256((merged_dir / "model.safetensors").read_bytes()).hexdigest()
    assert manifest["vllm_command"].startswith(f"vllm serve {merged_dir} ")
    assert "--enable-lora" not in manifest["vllm_command"]


def test_backend_sampling_returns_n_candidates(trained):
    from migrator.model.backends import make_backend

    cfg = ModelConfig(backend="transformers", model=str(trained["out"] / "base-model"),
                      adapter=str(trained["out"] / "adapter"), device="cpu", max_tokens=6, temperature=0.9, seed=3)
    backend = make_backend(cfg)
    prompt = render_messages(PAIRS[3][1])[:2]
    out = backend.generate([prompt, prompt], n=3)
    assert [len(x) for x in out] == [3, 3] and all(isinstance(t, str) for x in out for t in x)
    assert backend.generate([prompt], n=3) == backend.generate([prompt], n=3)     # seeded


# --- evaluation -----------------------------------------------------------------------------

class EchoBackend(Backend):
    """Answers every prompt with a fixed function of its user message (for exact scoring checks)."""

    def __init__(self, answer):
        super().__init__(ModelConfig(backend="transformers", model="echo"))
        self.answer = answer
        self.calls = 0

    def generate(self, prompts, n=1):
        self.calls += 1
        return [[self.answer(p[-1]["content"])] * n for p in prompts]

    def close(self):
        pass


def test_scores_of_known_answers(corpus):
    from training.evaluate import ModelSpec, evaluate_model, normalise_sql
    from training.sft import read_split

    records = read_split(corpus, "test")
    by_tsql = {t: o for _c, t, o in PAIRS}

    def reference(user: str) -> str:
        return by_tsql[user.rsplit("Oracle 19c:\n", 1)[-1].split("\n\nYour previous answer")[0]]

    spec = ModelSpec("oracle", ModelConfig(backend="transformers", model="x"))
    fenced = EchoBackend(lambda u: "```sql\n" + reference(u).lower() + "\n```")
    perfect, rows = evaluate_model(spec, records, backend=fenced)
    assert perfect["overall"] == {"n": 4, "valid": 100.0, "residue_free": 100.0, "exact": 100.0, "accepted": 100.0}
    assert sum(v["n"] for v in perfect["by_category"].values()) == 4
    echo = EchoBackend(lambda u: u.rsplit("Oracle 19c:\n", 1)[-1].split("\n")[0])      # the T-SQL back
    tsql, rows = evaluate_model(spec, records, backend=echo)
    assert tsql["overall"]["exact"] == 0.0 and tsql["overall"]["residue_free"] < 100.0
    assert tsql["overall"]["accepted"] < 100.0 and any(r["residue"] for r in rows)
    assert echo.calls == 2                                    # a repair turn for the invalid answers
    assert normalise_sql("select 1 from dual ;\n/\n") == normalise_sql("SELECT  1\nFROM DUAL")


def test_eval_end_to_end_compares_checkpoints(trained, corpus, tmp_path):
    from training.cli import train

    out_json = tmp_path / "eval" / "results.json"
    r = CliRunner().invoke(train, ["eval", "--data", str(corpus), "--run", str(trained["out"]), "--checkpoints",
                                   "--with-base", "--limit", "2", "--max-tokens", "8", "--device", "cpu",
                                   "--no-repair", "-o", str(out_json)])
    assert r.exit_code == 0, r.output
    result = json.loads(out_json.read_text())
    labels = [m["label"] for m in result["models"]]
    run_name = trained["out"].name
    assert labels == ["base:base-model", f"{run_name}/checkpoint-8", f"{run_name}/checkpoint-16",
                      f"{run_name}/adapter"]
    assert result["n"] == 2 and result["dataset_version"] == "d" * 64
    for m in result["models"]:
        assert m["overall"]["n"] == 2
        for cat in [m["overall"], *m["by_category"].values()]:
            assert all(0.0 <= cat[k] <= 100.0 for k in ("valid", "residue_free", "exact"))
        preds = [json.loads(x) for x in Path(m["predictions"]).read_text().splitlines()]
        assert [p["id"] for p in preds] == ["ex20", "ex21"]
    assert "valid %" in r.output and "checkpoint-16" in r.output


# --- packaging ------------------------------------------------------------------------------

def test_package_separate_adapter_manifest_and_vllm_command(trained, tmp_path):
    from training.cli import train

    adapter, base = trained["out"] / "adapter", trained["out"] / "base-model"
    out = tmp_path / "pkg"
    r = CliRunner().invoke(train, ["package", "--adapter", str(adapter), "-o", str(out), "--max-num-seqs", "16",
                                   "--max-tokens", "512"])
    assert r.exit_code == 0, r.output
    m = json.loads((out / "manifest.json").read_text())
    assert m["mode"] == "adapter"

    def digest(p: Path) -> str:
        return hashlib.sha256(p.read_bytes()).hexdigest()

    files = {n: digest(adapter / n) for n in ("adapter_config.json", "adapter_model.safetensors")}
    assert m["adapter"]["files"] == files
    assert m["adapter"]["sha256"] == hashlib.sha256("".join(f"{k}\t{v}\n" for k, v in sorted(files.items()))
                                                    .encode()).hexdigest()
    base_files = {p.name: digest(p) for p in base.iterdir() if p.is_file()}
    assert m["base_model"]["files"] == base_files and m["base_model"]["path"] == str(base.resolve())
    assert m["packaged_adapter"]["sha256"] == m["adapter"]["sha256"]
    assert m["dataset"]["dataset_version"] == "d" * 64
    assert m["training_config"] == trained["summary"]["config"] and m["quantization"]["training"] == "none"
    cmd = m["vllm_command"]
    assert cmd.startswith(f"vllm serve {base.resolve()} ")
    assert f"--enable-lora --lora-modules tsql2oracle={out.resolve() / 'adapter'}" in cmd
    assert "--max-num-seqs 16" in cmd and "--max-model-len 1024" in cmd and "--max-lora-rank 8" in cmd
    assert '{"max_new_tokens": 512}' in cmd
    serving = json.loads((out / "vllm.json").read_text())
    assert serving["max_tokens"] == 512 and serving["max_num_seqs"] == 16 and serving["max_model_len"] == 1024
    assert cmd in (out / "serve.sh").read_text()
    assert json.loads((out / "model-config.json").read_text())["model"] == "tsql2oracle"


# --- layering -------------------------------------------------------------------------------

def test_heavy_libraries_are_imported_lazily():
    code = ("import sys, training.cli, training.config, training.sft, training.evaluate, training.package, "
            "training.tiny, migrator.model.backends.hf; "
            "heavy = [m for m in ('torch', 'transformers', 'peft', 'trl', 'datasets') if m in sys.modules]; "
            "print(heavy); sys.exit(1 if heavy else 0)")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
