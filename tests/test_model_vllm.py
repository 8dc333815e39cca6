"""The ``vllm`` backend.

vllm needs Linux with a CUDA GPU and is not installed here, so these tests check what can run
without it, honestly labelled:

* without vllm, building the backend raises ``BackendError`` with a clear message;
* the mapping of ``ModelConfig`` to ``vllm.LLM(...)``, ``SamplingParams(...)``, ``LoRARequest(...)``
  and one batched ``LLM.chat(...)`` call, checked against a tiny FAKE ``vllm`` module injected in
  ``sys.modules`` (it records its arguments; it generates nothing). The fake follows the
  signatures of vllm's ``LLM.chat(messages, sampling_params, use_tqdm, lora_request, ...)``,
  ``SamplingParams(n, temperature, top_p, max_tokens, seed)`` and
  ``vllm.lora.request.LoRARequest(lora_name, lora_int_id, lora_path)``.

When vllm itself is importable, ``test_real_vllm_if_available`` runs the real engine on a tiny
model (it is skipped otherwise).
"""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass

import pytest

from migrator.model.backends import BackendError, ModelConfig, make_backend
from migrator.model.backends.vllm_backend import engine_kwargs, max_lora_rank

PROMPTS = [[{"role": "user", "content": "one"}], [{"role": "user", "content": "two"}],
           [{"role": "user", "content": "three"}]]


def test_without_vllm_the_error_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "vllm", None)  # import vllm -> ImportError
    with pytest.raises(BackendError, match="vllm.*CUDA GPU.*transformers backend.*openai backend"):
        make_backend(ModelConfig(backend="vllm", model=str(tmp_path)))


@dataclass
class _Out:
    text: str


@dataclass
class _RequestOutput:
    outputs: list


class _FakeVLLM:
    """The few names of vllm the backend uses; records every call."""

    def __init__(self):
        self.engines, self.chats, self.samplings = [], [], []
        fake = self

        class LLM:
            def __init__(self, **kwargs):
                fake.engines.append(kwargs)

            def chat(self, messages, sampling_params=None, use_tqdm=True, lora_request=None, **kw):
                fake.chats.append({"messages": messages, "sampling": sampling_params, "use_tqdm": use_tqdm,
                                   "lora": lora_request})
                n = sampling_params.kwargs["n"]
                return [_RequestOutput([_Out(f"{m[-1]['content']}#{i}") for i in range(n)]) for m in messages]

        class SamplingParams:
            def __init__(self, **kwargs):
                self.kwargs = kwargs
                fake.samplings.append(kwargs)

        class LoRARequest:
            def __init__(self, lora_name, lora_int_id, lora_path):
                self.args = (lora_name, lora_int_id, lora_path)

        self.module = types.ModuleType("vllm")
        self.module.LLM, self.module.SamplingParams = LLM, SamplingParams
        self.lora_pkg = types.ModuleType("vllm.lora")
        self.lora_request = types.ModuleType("vllm.lora.request")
        self.lora_request.LoRARequest = LoRARequest
        self.module.lora = self.lora_pkg
        self.lora_pkg.request = self.lora_request

    def install(self, monkeypatch):
        monkeypatch.setitem(sys.modules, "vllm", self.module)
        monkeypatch.setitem(sys.modules, "vllm.lora", self.lora_pkg)
        monkeypatch.setitem(sys.modules, "vllm.lora.request", self.lora_request)


@pytest.fixture()
def fake_vllm(monkeypatch):
    fake = _FakeVLLM()
    fake.install(monkeypatch)
    return fake


def _dirs(tmp_path, rank=24):
    model = tmp_path / "base"
    model.mkdir()
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text(json.dumps({"r": rank, "lora_alpha": 16}), encoding="utf-8")
    return model, adapter


def test_engine_sampling_lora_and_one_batched_chat(fake_vllm, tmp_path):
    model, adapter = _dirs(tmp_path)
    cfg = ModelConfig(backend="vllm", model=str(model), adapter=str(adapter), dtype="bfloat16", max_model_len=2048,
                      gpu_memory_utilization=0.5, seed=7, temperature=0.0, top_p=0.9, max_tokens=256)
    backend = make_backend(cfg)
    assert fake_vllm.engines == [{"model": str(model), "enable_lora": True, "max_model_len": 2048,
                                  "dtype": "bfloat16", "gpu_memory_utilization": 0.5, "seed": 7,
                                  "max_lora_rank": 32}]
    out = backend.generate(PROMPTS, n=3)
    assert len(fake_vllm.chats) == 1                        # every prompt in one call
    chat = fake_vllm.chats[0]
    assert chat["messages"] == PROMPTS and chat["use_tqdm"] is False
    assert chat["lora"].args == ("adapter", 1, str(adapter))
    assert fake_vllm.samplings[-1] == {"n": 3, "temperature": 0.7, "top_p": 0.9, "max_tokens": 256, "seed": 7}
    assert out == [[f"{w}#{i}" for i in range(3)] for w in ("one", "two", "three")]
    backend.generate(PROMPTS[:1], n=1)
    assert fake_vllm.samplings[-1]["temperature"] == 0.0    # greedy for one answer at temperature 0


def test_without_adapter_no_lora(fake_vllm, tmp_path):
    model, _ = _dirs(tmp_path)
    backend = make_backend(ModelConfig(backend="vllm", model=str(model)))
    assert fake_vllm.engines[0]["enable_lora"] is False and "max_lora_rank" not in fake_vllm.engines[0]
    backend.generate(PROMPTS, n=1)
    assert fake_vllm.chats[0]["lora"] is None


def test_missing_model_or_adapter(fake_vllm, tmp_path):
    with pytest.raises(BackendError, match="model directory not found"):
        make_backend(ModelConfig(backend="vllm", model=str(tmp_path / "nope")))
    model, _ = _dirs(tmp_path)
    with pytest.raises(BackendError, match="adapter_config.json"):
        make_backend(ModelConfig(backend="vllm", model=str(model), adapter=str(tmp_path)))


def test_lora_rank_mapping(tmp_path):
    assert [max_lora_rank(r) for r in (4, 8, 9, 64, 65, 1000)] == [8, 8, 16, 64, 128, 512]
    _model, adapter = _dirs(tmp_path, rank=100)
    assert engine_kwargs(ModelConfig(model="m", adapter=str(adapter)))["max_lora_rank"] == 128


def test_real_vllm_if_available(tmp_path):
    pytest.importorskip("vllm")  # never installed here (no GPU); runs where vllm and a GPU exist
    pytest.importorskip("torch")
    import torch

    if not torch.cuda.is_available():
        pytest.skip("vllm needs a CUDA GPU")
    from training.tiny import build_tiny_model

    model = build_tiny_model(tmp_path / "tiny", ["SELECT 1 FROM DUAL;"] * 8, hidden_size=64, heads=4)
    backend = make_backend(ModelConfig(backend="vllm", model=str(model), max_tokens=8, max_model_len=512,
                                       gpu_memory_utilization=0.3, dtype="float32"))
    out = backend.generate(PROMPTS, n=2)
    assert len(out) == 3 and all(len(x) == 2 and all(isinstance(t, str) for t in x) for x in out)
