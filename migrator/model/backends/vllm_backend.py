"""The ``vllm`` backend: offline ``vllm.LLM`` with an optional LoRA adapter, batched.

All prompts of a call go to ONE ``LLM.chat`` call (vLLM schedules them itself), with
``SamplingParams(n, temperature, top_p, max_tokens, seed)`` and, when ``model.adapter`` is set,
``LoRARequest("adapter", 1, adapter)`` on an engine built with ``enable_lora=True`` and a
``max_lora_rank`` large enough for the adapter's rank (read from its ``adapter_config.json``).
vllm needs Linux and a CUDA GPU; it is imported when the backend is built, never before.
"""

from __future__ import annotations

import json
from pathlib import Path

from migrator.model.backends import Backend, BackendError, ModelConfig

LORA_RANKS = (8, 16, 32, 64, 128, 256, 320, 512)  # the max_lora_rank values vLLM accepts


def adapter_rank(adapter: str) -> int:
    try:
        return int(json.loads((Path(adapter) / "adapter_config.json").read_text(encoding="utf-8")).get("r", 16))
    except (OSError, ValueError, TypeError):
        return 16


def max_lora_rank(rank: int) -> int:
    return next((r for r in LORA_RANKS if r >= rank), LORA_RANKS[-1])


def engine_kwargs(config: ModelConfig) -> dict:
    """The ``vllm.LLM`` arguments for a config."""
    kwargs = {"model": config.model, "enable_lora": bool(config.adapter), "max_model_len": int(config.max_model_len),
              "dtype": config.dtype or "auto", "gpu_memory_utilization": float(config.gpu_memory_utilization),
              "seed": int(config.seed)}
    if config.adapter:
        kwargs["max_lora_rank"] = max_lora_rank(adapter_rank(config.adapter))
    kwargs.update(config.extra.get("vllm_engine", {}))
    return kwargs


class VLLMBackend(Backend):
    def __init__(self, config: ModelConfig):
        super().__init__(config)
        try:
            import vllm
            from vllm.lora.request import LoRARequest
        except ImportError as e:
            raise BackendError(f"the vllm backend needs the 'vllm' package, which runs on Linux with a CUDA GPU "
                               f"({e}); use the transformers backend, or the openai backend against a "
                               "'vllm serve' server") from e
        if not config.model or not Path(config.model).is_dir():
            raise BackendError(f"model directory not found: {config.model!r}")
        if config.adapter and not (Path(config.adapter) / "adapter_config.json").is_file():
            raise BackendError(f"no LoRA adapter (adapter_config.json) in {config.adapter!r}")
        self._vllm = vllm
        try:
            self.llm = vllm.LLM(**engine_kwargs(config))
        except Exception as e:  # noqa: BLE001 - engine start failures (no GPU, OOM) become BackendError
            raise BackendError(f"vllm could not start the model {config.model!r}: {e}") from e
        self.lora = LoRARequest("adapter", 1, config.adapter) if config.adapter else None

    def sampling(self, n: int):
        cfg = self.config
        temperature = cfg.temperature if (n == 1 or cfg.temperature) else 0.7
        return self._vllm.SamplingParams(n=n, temperature=temperature, top_p=cfg.top_p, max_tokens=cfg.max_tokens,
                                         seed=cfg.seed)

    def generate(self, prompts: list[list[dict]], n: int = 1) -> list[list[str]]:
        if not prompts:
            return []
        outputs = self.llm.chat(prompts, self.sampling(n), use_tqdm=False, lora_request=self.lora)
        if len(outputs) != len(prompts):
            raise BackendError(f"vllm returned {len(outputs)} results for {len(prompts)} prompts")
        return [[o.text for o in out.outputs] for out in outputs]

    def close(self) -> None:
        self.llm = None
