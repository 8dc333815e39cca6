"""``migrate train package``: a servable model folder with a manifest and the vLLM command.

Two modes:

* ``merge``: the adapter is merged into the base weights (peft ``merge_and_unload``) and the
  result saved to ``OUT/model`` with the run's tokenizer; vLLM serves it as a plain model.
* separate (default): the adapter files are copied to ``OUT/adapter``; vLLM serves the base with
  ``--enable-lora --lora-modules NAME=OUT/adapter``.

``OUT/manifest.json`` records the base model (path and sha256), the adapter (sha256), the merged
model (sha256) when merged, the dataset and prompt versions, the training config, the
quantisation used in training, the serving settings and the exact ``vllm serve`` command
(also in ``OUT/serve.sh``). ``OUT/vllm.json`` holds the serving settings alone and
``OUT/model-config.json`` the ``ModelConfig`` that points ``migrate`` at the server.

A folder's sha256 is the sha256 of the lines ``<relative path>\\t<sha256 of the file>\\n`` over its
files in sorted order (hidden files skipped); each file's own sha256 is listed too. The adapter's
sha256 covers ``adapter_config.json`` and ``adapter_model.safetensors`` (or ``.bin``): the files
that define it.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors", "adapter_model.bin")
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.model",
                   "chat_template.jinja", "added_tokens.json", "vocab.json", "merges.txt")
VLLM_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_files(root: Path, names: list[str] | None = None) -> dict:
    """{"sha256": combined, "files": {relative path: sha256}} over ``names`` (default: every file)."""
    root = Path(root)
    if names is None:
        rels = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                      if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))
    else:
        rels = sorted(n for n in names if (root / n).is_file())
    files = {rel: sha256_file(root / rel) for rel in rels}
    combined = hashlib.sha256("".join(f"{rel}\t{digest}\n" for rel, digest in files.items()).encode()).hexdigest()
    return {"sha256": combined, "files": files}


@dataclass
class PackageOptions:
    adapter: Path
    out: Path
    base: Path | None = None             # default: run.json's base_model
    run: Path | None = None              # a training output folder (run.json); default: the adapter's parent
    merge: bool = False
    data_dir: Path | None = None         # corpus folder (its manifest.json); default: from run.json
    served_name: str = "tsql2oracle"
    dtype: str = "auto"                  # merge/serving dtype: auto (the training dtype) | bfloat16 | float16 | float32
    max_model_len: int | None = None     # default: the training max_length
    max_num_seqs: int = 32
    max_tokens: int = 1024
    gpu_memory_utilization: float = 0.9
    tensor_parallel_size: int = 1
    host: str = "127.0.0.1"
    port: int = 8000


def _run_info(opts: PackageOptions) -> dict:
    candidates = [opts.run] if opts.run else [Path(opts.adapter).parent, Path(opts.adapter).parent.parent]
    for c in candidates:
        if c and (Path(c) / "run.json").is_file():
            return json.loads((Path(c) / "run.json").read_text(encoding="utf-8"))
    if opts.run:
        raise FileNotFoundError(f"no run.json in {opts.run}")
    return {}


def _dtype_name(opts: PackageOptions, config: dict | None) -> str:
    if opts.dtype != "auto":
        return opts.dtype
    model = (config or {}).get("model", {})
    if model.get("dtype") not in (None, "auto"):
        return model["dtype"]
    return "bfloat16" if (config or {}).get("training", {}).get("bf16") else "float32"


def merge_adapter(base: Path, adapter: Path, out: Path, dtype: str) -> Path:
    """Merge the LoRA adapter into the base weights and save model + tokenizer into ``out``."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(str(base), dtype=getattr(torch, dtype))
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    out.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(str(out))
    tok_dir = adapter if (adapter / "tokenizer_config.json").is_file() else base
    AutoTokenizer.from_pretrained(str(tok_dir)).save_pretrained(str(out))
    return out


def _lora_rank_limit(r: int) -> int:
    return next((x for x in VLLM_LORA_RANKS if x >= r), r)


def _chat_template(path: Path) -> str | None:
    f = path / "chat_template.jinja"
    if f.is_file():
        return f.read_text(encoding="utf-8")
    cfg = path / "tokenizer_config.json"
    if cfg.is_file():
        t = json.loads(cfg.read_text(encoding="utf-8")).get("chat_template")
        return t if isinstance(t, str) else None
    return None


def vllm_serving(opts: PackageOptions, *, model_path: Path, adapter_path: Path | None, lora_rank: int | None,
                 dtype: str, max_model_len: int, chat_template: Path | None) -> dict:
    """The serving settings and the exact ``vllm serve`` argv."""
    argv = ["vllm", "serve", str(model_path), "--served-model-name", opts.served_name if adapter_path is None
            else f"{opts.served_name}-base", "--host", opts.host, "--port", str(opts.port),
            "--dtype", dtype, "--max-model-len", str(max_model_len), "--max-num-seqs", str(opts.max_num_seqs),
            "--gpu-memory-utilization", str(opts.gpu_memory_utilization),
            "--tensor-parallel-size", str(opts.tensor_parallel_size),
            "--override-generation-config", json.dumps({"max_new_tokens": opts.max_tokens})]
    if adapter_path is not None:
        argv += ["--enable-lora", "--lora-modules", f"{opts.served_name}={adapter_path}",
                 "--max-lora-rank", str(_lora_rank_limit(lora_rank or 16)), "--max-loras", "1"]
    if chat_template is not None:
        argv += ["--chat-template", str(chat_template)]
    return {"model": str(model_path), "served_model_name": opts.served_name, "dtype": dtype,
            "max_model_len": max_model_len, "max_num_seqs": opts.max_num_seqs, "max_tokens": opts.max_tokens,
            "gpu_memory_utilization": opts.gpu_memory_utilization,
            "tensor_parallel_size": opts.tensor_parallel_size, "enable_lora": adapter_path is not None,
            "lora_modules": {opts.served_name: str(adapter_path)} if adapter_path is not None else {},
            "max_lora_rank": _lora_rank_limit(lora_rank or 16) if adapter_path is not None else None,
            "chat_template": str(chat_template) if chat_template else None,
            "endpoint": f"http://{opts.host}:{opts.port}/v1", "argv": argv, "command": shlex.join(argv)}


def package(opts: PackageOptions, log: Callable[[str], None] = print) -> dict:
    adapter = Path(opts.adapter).resolve()
    if not (adapter / "adapter_config.json").is_file():
        raise FileNotFoundError(f"no LoRA adapter (adapter_config.json) in {adapter}")
    info = _run_info(opts)
    base = Path(opts.base or info.get("base_model") or "").resolve() if (opts.base or info.get("base_model")) else None
    if base is None or not (base / "config.json").is_file():
        raise FileNotFoundError(f"base model not found ({base}); give --base")
    config = info.get("config")
    dataset = dict(info.get("dataset") or {})
    if opts.data_dir:
        from training.sft import dataset_manifest

        m = dataset_manifest(Path(opts.data_dir))
        dataset.update({"dir": str(Path(opts.data_dir).resolve()), "dataset_version": m.get("dataset_version"),
                        "prompt_version": m.get("prompt_version")})
    lora = json.loads((adapter / "adapter_config.json").read_text(encoding="utf-8"))
    dtype = _dtype_name(opts, config)
    max_model_len = opts.max_model_len or int((config or {}).get("training", {}).get("max_length") or 4096)
    out = Path(opts.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    log(f"hashing the base model {base}")
    manifest: dict = {
        "format": 1,
        "mode": "merged" if opts.merge else "adapter",
        "base_model": {"path": str(base), **sha256_files(base)},
        "adapter": {"source": str(adapter), **sha256_files(adapter, list(ADAPTER_FILES)),
                    "r": lora.get("r"), "lora_alpha": lora.get("lora_alpha"),
                    "target_modules": sorted(lora.get("target_modules") or [])},
        "dataset": {"dataset_version": dataset.get("dataset_version"),
                    "prompt_version": dataset.get("prompt_version"), "dir": dataset.get("dir")},
        "training_config": config,
        "run": {k: info.get(k) for k in ("run_name", "global_step", "train_loss", "versions")} if info else None,
        "quantization": {"training": info.get("quantization", "none") if info else "unknown",
                         "merged_into": dtype if opts.merge else None, "serving": "none"},
    }
    chat_template = None
    if opts.merge:
        model_dir = out / "model"
        log(f"merging {adapter} into {base} ({dtype}) -> {model_dir}")
        merge_adapter(base, adapter, model_dir, dtype)
        manifest["merged_model"] = {"path": str(model_dir), **sha256_files(model_dir)}
        serving = vllm_serving(opts, model_path=model_dir, adapter_path=None, lora_rank=None, dtype=dtype,
                               max_model_len=max_model_len, chat_template=None)
    else:
        adapter_out = out / "adapter"
        adapter_out.mkdir(parents=True, exist_ok=True)
        for name in ADAPTER_FILES + TOKENIZER_FILES:
            if (adapter / name).is_file():
                shutil.copy2(adapter / name, adapter_out / name)
        packaged = sha256_files(adapter_out, list(ADAPTER_FILES))
        if packaged["sha256"] != manifest["adapter"]["sha256"]:
            raise RuntimeError("the copied adapter differs from its source")
        manifest["packaged_adapter"] = {"path": str(adapter_out), **packaged}
        # A run that trained with its own chat template must be served with it.
        own = _chat_template(adapter)
        if own is not None and own != _chat_template(base):
            chat_template = adapter_out / "chat_template.jinja"
            chat_template.write_text(own, encoding="utf-8")
        serving = vllm_serving(opts, model_path=base, adapter_path=adapter_out, lora_rank=lora.get("r"),
                               dtype=dtype, max_model_len=max_model_len, chat_template=chat_template)
    manifest["serving"] = serving
    manifest["vllm_command"] = serving["command"]
    model_config = {"backend": "openai", "model": opts.served_name, "endpoint": serving["endpoint"],
                    "max_tokens": opts.max_tokens, "temperature": 0.0}
    manifest["model_config"] = model_config
    _write_json(out / "manifest.json", manifest)
    _write_json(out / "vllm.json", serving)
    _write_json(out / "model-config.json", model_config)
    (out / "serve.sh").write_text("#!/bin/sh\n# generated by migrate train package\nexec " + serving["command"] + "\n",
                                  encoding="utf-8")
    (out / "serve.sh").chmod(0o755)
    log(f"package -> {out}\n{serving['command']}")
    return manifest


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
