"""Model backends: one interface, three implementations, imported lazily.

* ``transformers`` — a local model directory, optional LoRA adapter (peft), CPU or GPU
  (``migrator/model/backends/hf.py``).
* ``vllm`` — offline ``vllm.LLM`` with ``LoRARequest``, batched over all prompts of a run
  (``migrator/model/backends/vllm_backend.py``).
* ``openai`` — any OpenAI-compatible chat-completions server, e.g. ``vllm serve``
  (``migrator/model/backends/openai_backend.py``).

Nothing here imports torch, transformers, vllm or openai at module import time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class ModelConfig:
    backend: str = ""                 # "" (no model) | transformers | vllm | openai
    model: str = ""                   # local directory (transformers/vllm) or served model name (openai)
    adapter: str = ""                 # LoRA adapter directory (transformers/vllm); openai: the served lora name goes in `model`
    device: str = "auto"              # transformers: auto | cpu | cuda
    dtype: str = "auto"               # transformers/vllm: auto | float32 | bfloat16 | float16
    endpoint: str = ""                # openai: base URL, e.g. http://127.0.0.1:8000/v1
    api_key_env: str = "OPENAI_API_KEY"  # openai: name of the environment variable holding the key
    max_tokens: int = 1024
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0
    max_model_len: int = 4096         # vllm
    gpu_memory_utilization: float = 0.9  # vllm
    concurrency: int = 4              # openai: requests in flight
    timeout_s: float = 120.0          # openai: per request
    retries: int = 2                  # openai: on connection errors / 5xx / 429
    candidates: int = 1               # samples per unit (--candidates N)
    repair: bool = True               # one retry with the validation errors in the prompt
    accept: bool = False              # batch runs: apply model output (--accept-model) or write suggestions
    extra: dict = field(default_factory=dict)

    @property
    def enabled(self) -> bool:
        return bool(self.backend)

    @property
    def model_id(self) -> str:
        """What provenance notes and the cache key name the model by."""
        base = self.model.rstrip("/").split("/")[-1] if self.backend != "openai" else self.model
        if self.adapter:
            base += "+" + self.adapter.rstrip("/").split("/")[-1]
        return f"{self.backend}:{base}"

    def to_dict(self) -> dict:
        return asdict(self)


class Backend:
    """Generates chat completions for a batch of prompts.

    ``generate(prompts, n=...)`` takes a list of chat message lists (as built by
    ``migrator.model.prompt.render_messages``, without the assistant turn) and returns, for each
    prompt, a list of ``n`` raw completion texts (unstripped; the guardrail cleans them).
    With ``n > 1`` (candidates) sampling uses ``config.temperature`` or 0.7 if that is 0.
    """

    def __init__(self, config: ModelConfig):
        self.config = config

    @property
    def model_id(self) -> str:
        return self.config.model_id

    def generate(self, prompts: list[list[dict]], n: int = 1) -> list[list[str]]:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        pass


class BackendError(RuntimeError):
    """The backend cannot run (library missing, model missing, server unreachable)."""


def make_backend(config: ModelConfig) -> Backend:
    if config.backend == "transformers":
        from migrator.model.backends.hf import TransformersBackend

        return TransformersBackend(config)
    if config.backend == "vllm":
        from migrator.model.backends.vllm_backend import VLLMBackend

        return VLLMBackend(config)
    if config.backend == "openai":
        from migrator.model.backends.openai_backend import OpenAIBackend

        return OpenAIBackend(config)
    raise BackendError(f"unknown model backend {config.backend!r} (transformers, vllm or openai)")
