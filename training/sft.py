"""LoRA supervised fine-tuning with trl's ``SFTTrainer`` (``migrate train sft``).

The examples are the chat ``messages`` of the corpus (``migrate train corpus``), rendered by the
model's chat template; the loss covers the assistant turn only (trl's ``assistant_only_loss``,
which needs ``{% generation %}`` markers: trl supplies them for the templates it knows, a run
can give its own with ``model.chat_template``). ``debug=True`` prints the tokens of the first
examples with their label mask and trains nothing.

Output folder (``output_dir`` of the config)::

    base-model/        the tiny model, when model.build_tiny is set
    checkpoints/       checkpoint-N/ (adapter, optimizer, scheduler, trainer state), for --resume
    adapter/           the final LoRA adapter and the tokenizer
    metrics.jsonl      one JSON object per logging step (loss, learning rate, grad norm, eval loss)
    run.json           config, dataset version, base model, steps, losses, library versions

Multi-GPU: ``accelerate launch --config_file training/configs/accelerate/<file>.yaml -m training.sft
--config RUN.yaml`` (DDP, or DeepSpeed ZeRO through ``training.deepspeed``).

Heavy libraries are imported inside functions only.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from training.config import RunConfig

CHECKPOINTS = "checkpoints"
ADAPTER = "adapter"
BASE_MODEL = "base-model"
METRICS = "metrics.jsonl"
RUN_JSON = "run.json"


# --- data -------------------------------------------------------------------------------------

def read_split(data_dir: Path, split: str, limit: int | None = None) -> list[dict]:
    """The records of one corpus split (``DIR/<split>.jsonl``)."""
    path = Path(data_dir) / f"{split}.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"no {split} split: {path}")
    records = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    raise ValueError(f"{path}:{n}: {e}") from e
                if not isinstance(rec.get("messages"), list) or not rec["messages"] \
                        or rec["messages"][-1].get("role") != "assistant":
                    raise ValueError(f"{path}:{n}: 'messages' must be a chat ending with the assistant turn")
                records.append(rec)
                if limit is not None and len(records) >= limit:
                    break
    return records


def dataset_manifest(data_dir: Path) -> dict:
    path = Path(data_dir) / "manifest.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def _chat_dataset(records: list[dict]):
    from datasets import Dataset

    return Dataset.from_list([{"messages": [{"role": m["role"], "content": m["content"]} for m in r["messages"]]}
                              for r in records])


# --- model ------------------------------------------------------------------------------------

def prepare_base(cfg: RunConfig, records: list[dict], log: Callable[[str], None] = print) -> Path:
    """The base model directory: ``model.path``, or the tiny model built from the training texts."""
    if not cfg.model.build_tiny:
        path = Path(cfg.model.path)
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"model.path has no config.json: {path} (a local model directory is needed)")
        return path
    out = Path(cfg.output_dir) / BASE_MODEL
    if (out / "config.json").is_file():
        return out
    from training.tiny import build_tiny_model

    t = cfg.model.tiny
    texts = [m["content"] for r in records for m in r["messages"]]
    log(f"building the tiny model into {out}")
    return build_tiny_model(out, texts, vocab_size=t.vocab_size, hidden_size=t.hidden_size, layers=t.layers,
                            heads=t.heads, seed=cfg.seed)


def _torch_dtype(cfg: RunConfig):
    import torch

    name = cfg.model.dtype
    if name == "auto":
        name = "bfloat16" if cfg.training.bf16 else "float32"
    return getattr(torch, name)


def quantization_config(cfg: RunConfig):
    """bitsandbytes settings for ``model.quantization`` (QLoRA: NF4, double quantisation, bf16 compute)."""
    q = cfg.model.quantization
    if q == "none":
        return None
    import torch

    if not torch.cuda.is_available():
        raise RuntimeError(f"model.quantization: {q} (bitsandbytes) needs a CUDA GPU")
    try:
        import bitsandbytes  # noqa: F401
    except ImportError as e:
        raise RuntimeError(f"model.quantization: {q} needs bitsandbytes (pip install bitsandbytes)") from e
    from transformers import BitsAndBytesConfig

    if q == "4bit":
        return BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                                  bnb_4bit_compute_dtype=torch.bfloat16)
    return BitsAndBytesConfig(load_in_8bit=True)


def quantization_method(cfg: RunConfig) -> str:
    return {"none": "none", "4bit": "bitsandbytes-nf4-double-quant", "8bit": "bitsandbytes-int8"}[
        cfg.model.quantization]


def load_base_model(cfg: RunConfig, base: Path):
    from transformers import AutoModelForCausalLM

    kwargs = {"dtype": _torch_dtype(cfg), "trust_remote_code": cfg.model.trust_remote_code}
    if cfg.model.attn_implementation:
        kwargs["attn_implementation"] = cfg.model.attn_implementation
    qc = quantization_config(cfg)
    if qc is not None:
        kwargs["quantization_config"] = qc
    model = AutoModelForCausalLM.from_pretrained(str(base), **kwargs)
    if qc is not None:
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=cfg.training.gradient_checkpointing)
    return model


def lora_config(cfg: RunConfig):
    from peft import LoraConfig

    return LoraConfig(r=cfg.lora.r, lora_alpha=cfg.lora.alpha, lora_dropout=cfg.lora.dropout,
                      target_modules=list(cfg.lora.target_modules), bias=cfg.lora.bias, task_type="CAUSAL_LM")


# --- callbacks --------------------------------------------------------------------------------

def _callbacks():
    from transformers import TrainerCallback

    class MetricsLog(TrainerCallback):
        """Appends every log (loss, lr, grad norm, eval loss) to metrics.jsonl (the trainer's own
        progress bar and log lines show progress on the console)."""

        def __init__(self, path: Path):
            self.path, self.t0 = path, time.monotonic()
            self.losses: list[float] = []

        def on_log(self, args, state, control, logs=None, **kwargs):
            if not state.is_world_process_zero or not logs:
                return
            row = {"step": state.global_step, "max_steps": state.max_steps, "epoch": state.epoch,
                   "elapsed_s": round(time.monotonic() - self.t0, 2), **logs}
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row, sort_keys=True) + "\n")
            if "loss" in logs:
                self.losses.append(float(logs["loss"]))

    class WeightWatch(TrainerCallback):
        """Copies the weights when training starts; at the end: trainable ones changed, frozen ones did not."""

        def __init__(self):
            self.before: dict = {}
            self.result: dict = {}

        def on_train_begin(self, args, state, control, model=None, **kwargs):
            self.before = {n: (p.requires_grad, p.detach().float().cpu().clone()) for n, p in model.named_parameters()}

        def on_train_end(self, args, state, control, model=None, **kwargs):
            import torch

            changed_trainable = unchanged_trainable = changed_frozen = frozen = 0
            for n, p in model.named_parameters():
                if n not in self.before:
                    continue
                trainable, old = self.before[n]
                same = torch.equal(old, p.detach().float().cpu())
                if trainable:
                    changed_trainable += not same
                    unchanged_trainable += same
                else:
                    frozen += 1
                    changed_frozen += not same
            self.result = {"trainable_tensors": changed_trainable + unchanged_trainable,
                           "trainable_changed": changed_trainable, "frozen_tensors": frozen,
                           "frozen_changed": changed_frozen}

    return MetricsLog, WeightWatch


# --- trainer ----------------------------------------------------------------------------------

@dataclass
class SFTRun:
    config: RunConfig
    trainer: object
    tokenizer: object
    base_model: Path
    train_records: list[dict]
    eval_records: list[dict]
    metrics_log: object
    weight_watch: object | None = None
    info: dict = field(default_factory=dict)


def build_trainer(cfg: RunConfig, log: Callable[[str], None] = print) -> SFTRun:
    import transformers
    from transformers import AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    transformers.set_seed(cfg.seed)
    out = Path(cfg.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    data = Path(cfg.data.dir)
    train_records = read_split(data, cfg.data.train_split, cfg.data.max_train_examples)
    if not train_records:
        raise ValueError(f"the {cfg.data.train_split} split of {data} is empty")
    eval_records: list[dict] = []
    if cfg.data.eval_split and (data / f"{cfg.data.eval_split}.jsonl").is_file():
        eval_records = read_split(data, cfg.data.eval_split, cfg.data.max_eval_examples)
    base = prepare_base(cfg, train_records, log)
    tokenizer = AutoTokenizer.from_pretrained(str(base), trust_remote_code=cfg.model.trust_remote_code)
    model = load_base_model(cfg, base)
    t = cfg.training
    has_eval = bool(eval_records)
    args = SFTConfig(
        output_dir=str(out / CHECKPOINTS), run_name=cfg.run_name, seed=cfg.seed, data_seed=cfg.seed,
        assistant_only_loss=True, max_length=t.max_length, packing=False,
        chat_template_path=str(cfg.model.chat_template) if cfg.model.chat_template else None,
        num_train_epochs=t.epochs, max_steps=t.max_steps, learning_rate=t.learning_rate,
        per_device_train_batch_size=t.per_device_batch_size, per_device_eval_batch_size=t.per_device_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation, bf16=t.bf16, fp16=False,
        gradient_checkpointing=t.gradient_checkpointing, warmup_steps=float(t.warmup_ratio),
        lr_scheduler_type=t.lr_scheduler, weight_decay=t.weight_decay, max_grad_norm=t.max_grad_norm,
        optim=t.optim, logging_steps=t.logging_steps, logging_first_step=True,
        save_strategy="steps", save_steps=t.save_steps, save_total_limit=t.save_total_limit,
        eval_strategy=("steps" if t.eval_steps else "epoch") if has_eval else "no",
        eval_steps=t.eval_steps if has_eval else None,
        use_cpu=t.device == "cpu", deepspeed=str(t.deepspeed) if t.deepspeed else None,
        report_to="none", dataloader_num_workers=0,
    )
    MetricsLog, WeightWatch = _callbacks()
    metrics = MetricsLog(out / METRICS)
    callbacks = [metrics]
    watch = None
    if t.verify_weights:
        watch = WeightWatch()
        callbacks.append(watch)
    trainer = SFTTrainer(model=model, args=args, train_dataset=_chat_dataset(train_records),
                         eval_dataset=_chat_dataset(eval_records) if has_eval else None,
                         processing_class=tokenizer, peft_config=lora_config(cfg), callbacks=callbacks)
    return SFTRun(cfg, trainer, tokenizer, base, train_records, eval_records, metrics, watch)


# --- --debug: which tokens are trained on -----------------------------------------------------

def debug_tokens(run: SFTRun, n: int = 1) -> list[list[tuple[int, str, bool]]]:
    """(token id, token text, trained?) for the first ``n`` prepared training examples."""
    ds = run.trainer.train_dataset
    out = []
    for i in range(min(n, len(ds))):
        ex = ds[i]
        ids, labels = ex["input_ids"], ex["labels"]
        out.append([(tid, run.tokenizer.decode([tid]), lab != -100) for tid, lab in zip(ids, labels)])
    return out


def format_debug(examples: list[list[tuple[int, str, bool]]], records: list[dict] | None = None) -> str:
    lines = []
    for i, toks in enumerate(examples):
        trained = sum(1 for *_, t in toks if t)
        ident = f" ({records[i].get('id')})" if records and i < len(records) else ""
        lines.append(f"example {i}{ident}: {len(toks)} tokens, {trained} trained (label != -100), "
                     f"{len(toks) - trained} masked")
        run_flag, buf = None, []
        for _, text, flag in toks + [(None, "", None)]:
            if flag is not run_flag and buf:
                lines.append(f"  [{'TRAINED' if run_flag else 'masked '}] {''.join(buf)!r}")
                buf = []
            run_flag = flag
            buf.append(text)
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------

def latest_checkpoint(cfg: RunConfig) -> str | None:
    from transformers.trainer_utils import get_last_checkpoint

    ckpt = Path(cfg.output_dir) / CHECKPOINTS
    return get_last_checkpoint(str(ckpt)) if ckpt.is_dir() else None


def _versions() -> dict:
    import importlib.metadata as md

    out = {}
    for name in ("torch", "transformers", "peft", "trl", "datasets", "accelerate"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            pass
    return out


def run_sft(cfg: RunConfig, *, debug: bool = False, debug_examples: int = 2, resume: bool = False,
            log: Callable[[str], None] = print) -> dict:
    """Train (or, with ``debug``, only show the label mask). Returns the run summary (run.json)."""
    run = build_trainer(cfg, log)
    if debug:
        text = format_debug(debug_tokens(run, debug_examples), run.train_records)
        log(text)
        return {"debug": text}
    out = Path(cfg.output_dir)
    checkpoint = latest_checkpoint(cfg) if resume else None
    if resume and checkpoint is None:
        log("no checkpoint to resume from; starting from step 0")
    elif checkpoint:
        log(f"resuming from {checkpoint}")
    if run.trainer.is_world_process_zero():
        (out / "config.yaml").write_text(_yaml(cfg.dump()), encoding="utf-8")
    result = run.trainer.train(resume_from_checkpoint=checkpoint)
    adapter_dir = out / ADAPTER
    run.trainer.save_model(str(adapter_dir))
    run.tokenizer.save_pretrained(str(adapter_dir))
    manifest = dataset_manifest(cfg.data.dir)
    summary = {
        "run_name": cfg.run_name,
        "config": cfg.dump(),
        "base_model": str(Path(run.base_model).resolve()),
        "adapter": str(adapter_dir.resolve()),
        "dataset": {"dir": str(Path(cfg.data.dir).resolve()),
                    "dataset_version": manifest.get("dataset_version"),
                    "prompt_version": manifest.get("prompt_version"),
                    "train_examples": len(run.train_records), "eval_examples": len(run.eval_records)},
        "quantization": quantization_method(cfg),
        "resumed_from": checkpoint,
        "global_step": run.trainer.state.global_step,
        "train_loss": result.training_loss,
        "losses": run.metrics_log.losses,
        "weights_check": run.weight_watch.result if run.weight_watch else None,
        "versions": _versions(),
    }
    if run.trainer.is_world_process_zero():
        (out / RUN_JSON).write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    log(f"adapter -> {adapter_dir}; {run.trainer.state.global_step} steps, train loss {result.training_loss:.4f}")
    return summary


def _yaml(data: dict) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False)


def main(argv: list[str] | None = None) -> int:
    """``python -m training.sft --config RUN.yaml`` (for ``accelerate launch``)."""
    import argparse

    from training.config import load_config

    p = argparse.ArgumentParser(prog="python -m training.sft")
    p.add_argument("--config", required=True)
    p.add_argument("--set", dest="overrides", action="append", default=[])
    p.add_argument("--resume", action="store_true")
    p.add_argument("--debug", action="store_true")
    a = p.parse_args(argv)
    run_sft(load_config(a.config, a.overrides), debug=a.debug, resume=a.resume)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
