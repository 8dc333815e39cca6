"""The ``openai`` backend: any OpenAI-compatible chat-completions server.

For example ``vllm serve BASE --enable-lora --lora-modules tsql2ora=/path/to/adapter`` with
``model.endpoint: http://127.0.0.1:8000/v1`` and ``model.model: tsql2ora``. The API key is read
from the environment variable named by ``model.api_key_env`` ("EMPTY" when unset, as local
servers expect). Requests run on a thread pool of ``model.concurrency``; each has
``model.timeout_s`` and the client's own retries (``model.retries``: connection errors, 408,
409, 429 and 5xx, with backoff and ``Retry-After``).

A prompt whose request still fails gets no completion and its error in ``last_errors``; when every
request of a call fails (server down, wrong URL or key) ``generate`` raises :class:`BackendError`.
The ``openai`` package is imported when the backend is built, never before.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from migrator.model.backends import Backend, BackendError, ModelConfig


class OpenAIBackend(Backend):
    def __init__(self, config: ModelConfig):
        super().__init__(config)
        try:
            import openai
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise BackendError(f"the openai backend needs the 'openai' package ({e}); install the 'model' "
                               "extra") from e
        if not config.endpoint:
            raise BackendError("the openai backend needs model.endpoint, the server's base URL "
                               "(e.g. http://127.0.0.1:8000/v1)")
        if not config.model:
            raise BackendError("the openai backend needs model.model, the served model or LoRA module name")
        self._openai = openai
        api_key = os.environ.get(config.api_key_env, "") if config.api_key_env else ""
        self.client = openai.OpenAI(base_url=config.endpoint, api_key=api_key or "EMPTY",
                                    timeout=float(config.timeout_s), max_retries=max(0, int(config.retries)))
        self.usage = {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0}
        self.last_errors: dict[int, str] = {}
        self._lock = threading.Lock()

    def _temperature(self, n: int) -> float:
        t = self.config.temperature
        return t if (n == 1 or t) else 0.7

    def _create(self, messages: list[dict], n: int):
        cfg = self.config
        resp = self.client.chat.completions.create(model=cfg.model, messages=messages, n=n,
                                                   temperature=self._temperature(n), top_p=cfg.top_p,
                                                   max_tokens=cfg.max_tokens, seed=cfg.seed)
        with self._lock:
            self.usage["requests"] += 1
            if resp.usage is not None:
                self.usage["prompt_tokens"] += resp.usage.prompt_tokens or 0
                self.usage["completion_tokens"] += resp.usage.completion_tokens or 0
        return [c.message.content or "" for c in sorted(resp.choices, key=lambda c: c.index)]

    def _complete(self, messages: list[dict], n: int) -> list[str]:
        texts = self._create(messages, n)
        for _ in range(n - len(texts)):  # a server that ignores n: one more request per missing sample
            texts += self._create(messages, 1)[:1]
        return texts[:n]

    def _describe(self, e: Exception) -> str:
        o = self._openai
        if isinstance(e, o.APITimeoutError):
            return f"request timed out after {self.config.timeout_s:g}s ({self.config.retries} retries)"
        if isinstance(e, o.APIConnectionError):
            return f"cannot reach {self.config.endpoint}: {e}"
        if isinstance(e, o.APIStatusError):
            return f"HTTP {e.status_code} from {self.config.endpoint}: {e.message}"
        return f"{type(e).__name__}: {e}"

    def generate(self, prompts: list[list[dict]], n: int = 1) -> list[list[str]]:
        self.last_errors = {}
        if not prompts:
            return []
        results: list[list[str]] = [[] for _ in prompts]
        workers = max(1, min(int(self.config.concurrency), len(prompts)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="openai") as pool:
            futures = [pool.submit(self._complete, p, n) for p in prompts]
            for i, fut in enumerate(futures):
                try:
                    results[i] = fut.result()
                except Exception as e:  # noqa: BLE001 - one failed unit keeps its marker
                    self.last_errors[i] = self._describe(e)
        if len(self.last_errors) == len(prompts):
            raise BackendError(f"every request to the OpenAI-compatible server failed: {self.last_errors[0]}")
        return results

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass
