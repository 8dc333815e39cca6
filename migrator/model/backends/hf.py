"""The ``transformers`` backend: a local model directory, an optional LoRA adapter (peft).

Greedy decoding when one completion is asked at temperature 0; otherwise sampling, seeded by
``config.seed``. Prompts are rendered with the tokenizer's chat template
(``add_generation_prompt=True``), batched with left padding, and only the generated text is
returned. torch, transformers and peft are imported when the backend is built, never before.
"""

from __future__ import annotations

from pathlib import Path

from migrator.model.backends import Backend, BackendError, ModelConfig

_DTYPES = {"float32": "float32", "fp32": "float32", "bfloat16": "bfloat16", "bf16": "bfloat16",
           "float16": "float16", "fp16": "float16"}
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model")


def _has_tokenizer(path: Path) -> bool:
    return any((path / name).is_file() for name in _TOKENIZER_FILES)


class TransformersBackend(Backend):
    def __init__(self, config: ModelConfig):
        super().__init__(config)
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise BackendError(f"the transformers backend needs torch and transformers ({e}); "
                               "install the 'model' extra") from e
        model_dir = Path(config.model)
        if not config.model or not model_dir.is_dir():
            raise BackendError(f"model directory not found: {config.model!r}")
        adapter_dir = Path(config.adapter) if config.adapter else None
        if adapter_dir is not None and not (adapter_dir / "adapter_config.json").is_file():
            raise BackendError(f"no LoRA adapter (adapter_config.json) in {config.adapter!r}")
        self._torch = torch
        self.device = self._device(config.device)
        dtype = self._dtype(config.dtype)
        # The adapter's own tokenizer wins: a run may have trained with its own chat template.
        tok_dir = adapter_dir if adapter_dir is not None and _has_tokenizer(adapter_dir) else model_dir
        self.tokenizer = AutoTokenizer.from_pretrained(str(tok_dir))
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        if not getattr(self.tokenizer, "chat_template", None):
            raise BackendError(f"the tokenizer in {tok_dir} has no chat template")
        # on a GPU the weights load straight onto it (no full copy in host memory first)
        placement = {"device_map": self.device} if self.device.startswith("cuda") else {}
        model = AutoModelForCausalLM.from_pretrained(str(model_dir), dtype=dtype, **placement)
        if adapter_dir is not None:
            try:
                from peft import PeftModel
            except ImportError as e:  # pragma: no cover - depends on the environment
                raise BackendError(f"a LoRA adapter needs peft ({e})") from e
            model = PeftModel.from_pretrained(model, str(adapter_dir))
        self.model = model.to(self.device).eval()
        self.batch_size = int(config.extra.get("batch_size", 8))

    def _device(self, name: str) -> str:
        if name in ("", "auto"):
            return "cuda" if self._torch.cuda.is_available() else "cpu"
        if name.startswith("cuda") and not self._torch.cuda.is_available():
            raise BackendError("device cuda asked but no CUDA device is available")
        return name

    def _dtype(self, name: str):
        if name in ("", "auto"):
            if self.device.startswith("cuda"):
                return self._torch.bfloat16 if self._torch.cuda.is_bf16_supported() else self._torch.float16
            return self._torch.float32
        if name not in _DTYPES:
            raise BackendError(f"unknown dtype {name!r} (auto, float32, bfloat16, float16)")
        return getattr(self._torch, _DTYPES[name])

    def _generation_kwargs(self, n: int) -> dict:
        cfg = self.config
        kwargs = {"max_new_tokens": cfg.max_tokens, "num_return_sequences": n,
                  "pad_token_id": self.tokenizer.pad_token_id}
        eos = {t for t in (self.tokenizer.eos_token_id, self.model.generation_config.eos_token_id) if t is not None}
        flat = sorted({x for t in eos for x in (t if isinstance(t, list) else [t])})
        if flat:
            kwargs["eos_token_id"] = flat
        if n == 1 and cfg.temperature == 0:
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        else:
            kwargs.update(do_sample=True, temperature=cfg.temperature or 0.7, top_p=cfg.top_p, top_k=None)
        return kwargs

    def generate(self, prompts: list[list[dict]], n: int = 1) -> list[list[str]]:
        torch = self._torch
        kwargs = self._generation_kwargs(n)
        if kwargs["do_sample"]:
            torch.manual_seed(self.config.seed)
        results: list[list[str]] = []
        for start in range(0, len(prompts), self.batch_size):
            batch = prompts[start:start + self.batch_size]
            texts = [self.tokenizer.apply_chat_template(p, tokenize=False, add_generation_prompt=True) for p in batch]
            enc = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False).to(self.device)
            with torch.inference_mode():
                out = self.model.generate(**enc, **kwargs)
            new = out[:, enc["input_ids"].shape[1]:]
            decoded = self.tokenizer.batch_decode(new, skip_special_tokens=True)
            for i in range(len(batch)):
                results.append(decoded[i * n:(i + 1) * n])
        return results

    def close(self) -> None:
        self.model = None
        if self._torch.cuda.is_available():
            self._torch.cuda.empty_cache()
