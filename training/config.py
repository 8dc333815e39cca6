"""The run configuration of ``migrate train sft``: one YAML file per run, validated by pydantic.

Unknown keys are errors (a typo must not silently fall back to a default). Relative paths in
the YAML are resolved against the YAML file's folder; paths given as ``--set`` overrides on the
command line are resolved against the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

# Fields holding paths, as dotted keys: resolved relative to the YAML file (or to the cwd for overrides).
PATH_KEYS = ("output_dir", "model.path", "model.chat_template", "data.dir", "training.deepspeed")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class TinyModel(_Strict):
    """The tiny random-init Llama built in code (``training/tiny.py``); for tests and CPU smoke runs."""

    vocab_size: int = Field(512, ge=300)
    hidden_size: int = Field(64, ge=8)
    layers: int = Field(2, ge=1)
    heads: int = Field(4, ge=1)


class ModelSection(_Strict):
    path: Path | None = None                     # local directory of the base model (no hub access assumed)
    build_tiny: bool = False                     # build training/tiny.py's model into OUTPUT_DIR/base-model instead
    tiny: TinyModel = Field(default_factory=TinyModel)
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"
    attn_implementation: Literal["eager", "sdpa", "flash_attention_2"] | None = None
    quantization: Literal["none", "4bit", "8bit"] = "none"   # bitsandbytes; needs CUDA
    chat_template: Path | None = None            # a .jinja with {% generation %} markers, if the model's lacks them
    trust_remote_code: bool = False

    @model_validator(mode="after")
    def _one_source(self):
        if self.build_tiny == (self.path is not None):
            raise ValueError("give exactly one of model.path (a local model directory) or model.build_tiny: true")
        if self.build_tiny and self.quantization != "none":
            raise ValueError("model.quantization applies to a real base model, not to model.build_tiny")
        if self.chat_template is not None and self.chat_template.suffix not in (".jinja", ".j2"):
            raise ValueError("model.chat_template must be a .jinja or .j2 file")
        return self


class DataSection(_Strict):
    dir: Path                                    # the corpus folder of `migrate train corpus`
    train_split: str = "train"
    eval_split: str | None = "validation"        # None: no evaluation during training
    max_train_examples: int | None = Field(None, ge=1)
    max_eval_examples: int | None = Field(None, ge=1)


class LoraSection(_Strict):
    r: int = Field(32, ge=1)
    alpha: int = Field(64, ge=1)
    dropout: float = Field(0.05, ge=0.0, lt=1.0)
    target_modules: list[str] = Field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj",
                                                               "gate_proj", "up_proj", "down_proj"],
                                      min_length=1)
    bias: Literal["none", "all", "lora_only"] = "none"


class TrainingSection(_Strict):
    max_length: int = Field(4096, ge=16)         # tokens per example (longer ones are truncated)
    learning_rate: float = Field(2e-4, gt=0)
    epochs: float = Field(2.0, gt=0)
    max_steps: int = -1                          # > 0 overrides epochs
    per_device_batch_size: int = Field(1, ge=1)
    gradient_accumulation: int = Field(16, ge=1)
    bf16: bool = False
    gradient_checkpointing: bool = True
    warmup_ratio: float = Field(0.03, ge=0.0, lt=1.0)   # fraction of the total steps
    lr_scheduler: Literal["linear", "cosine", "constant", "constant_with_warmup"] = "cosine"
    weight_decay: float = Field(0.0, ge=0.0)
    max_grad_norm: float = Field(1.0, gt=0)
    optim: str = "adamw_torch"
    logging_steps: int = Field(10, ge=1)
    save_steps: int = Field(200, ge=1)
    save_total_limit: int | None = Field(3, ge=1)
    eval_steps: int | None = Field(None, ge=1)   # None: evaluate once per epoch (when data.eval_split is set)
    device: Literal["auto", "cpu"] = "auto"
    deepspeed: Path | None = None                # a ZeRO JSON config (training/configs/deepspeed/)
    verify_weights: bool = False                 # snapshot weights: adapter changed, base untouched (small models)

    @model_validator(mode="after")
    def _precision(self):
        if self.bf16 and self.device == "cpu":
            raise ValueError("training.bf16 needs a GPU; set training.device: auto or bf16: false")
        return self


class RunConfig(_Strict):
    run_name: str = Field(min_length=1)
    seed: int = 0
    output_dir: Path
    model: ModelSection
    data: DataSection
    lora: LoraSection = Field(default_factory=LoraSection)
    training: TrainingSection = Field(default_factory=TrainingSection)

    @model_validator(mode="after")
    def _checks(self):
        if self.model.quantization != "none" and self.training.deepspeed is not None:
            raise ValueError("bitsandbytes quantization and DeepSpeed ZeRO do not combine here; drop one")
        return self

    def dump(self) -> dict:
        return self.model_dump(mode="json")


class ConfigError(ValueError):
    """The run YAML cannot be read or does not validate; the message lists every problem."""


def _get(d: dict, dotted: str):
    cur: Any = d
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _set(d: dict, dotted: str, value) -> None:
    parts = dotted.split(".")
    cur = d
    for part in parts[:-1]:
        nxt = cur.get(part)
        if not isinstance(nxt, dict):
            nxt = cur[part] = {}
        cur = nxt
    cur[parts[-1]] = value


def parse_override(text: str) -> tuple[str, Any]:
    """``key.sub=value`` (value parsed as YAML: numbers, booleans, lists) -> (key, value)."""
    if "=" not in text:
        raise ConfigError(f"override {text!r} is not KEY=VALUE")
    key, raw = text.split("=", 1)
    key = key.strip()
    if not key:
        raise ConfigError(f"override {text!r} has no key")
    return key, yaml.safe_load(raw) if raw.strip() else None


def load_config(path, overrides: list[str] | dict | None = None, *, cwd: Path | None = None) -> RunConfig:
    """Read, override and validate a run YAML; relative paths resolved (YAML folder / cwd)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"{path}: {e}") from e
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping")
    base = path.resolve().parent
    for key in PATH_KEYS:
        value = _get(raw, key)
        if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            _set(raw, key, os.path.normpath(base / value))
    items = overrides.items() if isinstance(overrides, dict) else [parse_override(o) for o in overrides or []]
    here = (cwd or Path.cwd()).resolve()
    for key, value in items:
        if key in PATH_KEYS and isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            value = os.path.normpath(here / value)
        _set(raw, key, value)
    try:
        return RunConfig.model_validate(raw)
    except ValidationError as e:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in e.errors())
        raise ConfigError(f"{path}: {problems}") from e
