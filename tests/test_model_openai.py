"""The ``openai`` backend against a local server speaking the OpenAI chat-completions wire format.

The server (``migrator.model.serve_stub``) runs in a thread on 127.0.0.1 with an ephemeral port
and serves a tiny random Llama (built in code by ``training/tiny.py``) through the transformers
backend; the client is the real ``openai`` package. Everything is local and bounded.
"""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("openai")

from migrator.model.backends import Backend, BackendError, ModelConfig, make_backend  # noqa: E402
from migrator.model.infer import Unit, translate  # noqa: E402
from migrator.model.prompt import PromptContext, render_messages  # noqa: E402
from migrator.model.serve_stub import ChatServer  # noqa: E402

TEXTS = [
    "CREATE PROCEDURE dbo.GetOrders @CustomerId INT AS SELECT OrderId FROM dbo.Orders WHERE CustomerId = @CustomerId",
    "CREATE OR REPLACE PROCEDURE GETORDERS (p_customerid IN NUMBER) AS BEGIN NULL; END GETORDERS;\n/",
    "SELECT TOP 10 Name FROM Customers ORDER BY Name; SELECT NAME FROM CUSTOMERS FETCH FIRST 10 ROWS ONLY;",
] * 4
PROMPTS = [render_messages("SELECT TOP 1 OrderId FROM dbo.Orders"),
           render_messages("UPDATE dbo.Orders SET Status = 'X' WHERE OrderId = @id",
                           PromptContext(tables=["TABLE ORDERS (ORDERID NUMBER(10), STATUS VARCHAR2(10))"]))]


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    from training.tiny import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny"), TEXTS, vocab_size=300, hidden_size=32, layers=1,
                            heads=2, max_positions=2048)


@pytest.fixture(scope="module")
def hf_backend(tiny_dir):
    return make_backend(ModelConfig(backend="transformers", model=str(tiny_dir), device="cpu", max_tokens=12))


@pytest.fixture()
def server(hf_backend):
    with ChatServer(hf_backend, "tiny-lora", api_key="sekrit") as srv:
        yield srv


def client(srv, monkeypatch, **kw) -> Backend:
    monkeypatch.setenv("TINY_KEY", "sekrit")
    cfg = dict(backend="openai", model="tiny-lora", endpoint=srv.base_url, api_key_env="TINY_KEY",
               max_tokens=12, timeout_s=60, retries=0, concurrency=2)
    cfg.update(kw)
    return make_backend(ModelConfig(**cfg))


def test_wire_format_on_the_server(server):
    body = {"model": "tiny-lora", "messages": PROMPTS[0], "n": 2, "temperature": 0.8, "max_tokens": 5, "seed": 3}
    req = urllib.request.Request(server.base_url + "/chat/completions", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer sekrit"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = json.loads(resp.read())
    assert data["object"] == "chat.completion" and data["model"] == "tiny-lora"
    assert [c["index"] for c in data["choices"]] == [0, 1]
    assert all(c["message"]["role"] == "assistant" and isinstance(c["message"]["content"], str)
               for c in data["choices"])
    assert data["usage"]["prompt_tokens"] > 0
    assert data["usage"]["total_tokens"] == data["usage"]["prompt_tokens"] + data["usage"]["completion_tokens"]
    with urllib.request.urlopen(urllib.request.Request(server.base_url + "/models",
                                                       headers={"Authorization": "Bearer sekrit"}), timeout=10) as r:
        assert json.loads(r.read())["data"][0]["id"] == "tiny-lora"
    bad = urllib.request.Request(server.base_url + "/chat/completions", data=json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer wrong"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(bad, timeout=10)
    assert err.value.code == 401 and "error" in json.loads(err.value.read())


def test_openai_backend_sends_the_chat_request_and_reads_choices(server, hf_backend, monkeypatch):
    backend = client(server, monkeypatch)
    out = backend.generate(PROMPTS, n=1)
    assert len(out) == 2 and all(len(x) == 1 for x in out)
    # greedy through the server is exactly greedy through the transformers backend itself
    assert out == hf_backend.generate(PROMPTS, n=1)
    sent = sorted(server.requests, key=lambda r: r["messages"][-1]["content"])
    assert [r["messages"] for r in sent] == sorted(PROMPTS, key=lambda p: p[-1]["content"])
    assert all(r["model"] == "tiny-lora" and r["n"] == 1 and r["temperature"] == 0.0 and r["max_tokens"] == 12
               for r in sent)
    assert all(h.get("authorization") == "Bearer sekrit" for h in server.headers)
    assert backend.usage["requests"] == 2 and backend.usage["prompt_tokens"] > 0
    backend.close()


def test_n_samples_come_back_in_one_request(server, monkeypatch):
    backend = client(server, monkeypatch)
    out = backend.generate(PROMPTS[:1], n=3)
    assert len(out[0]) == 3
    assert len(server.requests) == 1 and server.requests[0]["n"] == 3
    assert server.requests[0]["temperature"] == 0.7  # sampling for candidates when the config says 0


def test_translate_end_to_end_through_the_server(server, monkeypatch, tmp_path):
    from migrator.model.cache import ModelCache

    backend = client(server, monkeypatch)
    units = [Unit("u1", "SELECT TOP 1 OrderId FROM dbo.Orders", known_names=frozenset({"ORDERS", "ORDERID"}))]
    log = []
    answers = translate(backend, units, candidates=2, cache=ModelCache(tmp_path), log=log.append)
    # a random tiny model writes noise: the guardrail rejects it, the repair turn is tried, all is logged
    assert answers[0].text is None
    assert len(answers[0].attempts) == 4 and len(log) == 4
    assert len(server.requests) == 2 and "Your previous answer" in server.requests[1]["messages"][-1]["content"]
    again = translate(backend, units, candidates=2, cache=ModelCache(tmp_path))
    assert again[0].from_cache and len(server.requests) == 2


def test_retry_after_a_failure(hf_backend, monkeypatch):
    with ChatServer(hf_backend, "tiny-lora", api_key="sekrit", fail_first=1) as srv:
        backend = client(srv, monkeypatch, retries=1)
        out = backend.generate(PROMPTS[:1])
        assert len(out[0]) == 1 and len(srv.requests) == 2
    with ChatServer(hf_backend, "tiny-lora", api_key="sekrit", fail_first=1) as srv:
        backend = client(srv, monkeypatch, retries=0)
        with pytest.raises(BackendError, match="HTTP 500"):
            backend.generate(PROMPTS[:1])
        assert len(srv.requests) == 1


def test_one_failed_request_leaves_the_others(hf_backend, monkeypatch):
    with ChatServer(hf_backend, "tiny-lora", api_key="sekrit", fail_first=1) as srv:
        backend = client(srv, monkeypatch, retries=0, concurrency=1)
        out = backend.generate(PROMPTS)
        assert out[0] == [] and len(out[1]) == 1
        assert "HTTP 500" in backend.last_errors[0] and 1 not in backend.last_errors


def test_timeout(hf_backend, monkeypatch):
    with ChatServer(hf_backend, "tiny-lora", api_key="sekrit", delay_s=3.0) as srv:
        backend = client(srv, monkeypatch, timeout_s=0.3, retries=0)
        start = time.monotonic()
        with pytest.raises(BackendError, match="timed out"):
            backend.generate(PROMPTS[:1])
        assert time.monotonic() - start < 2.5


class SlowEcho(Backend):
    def generate(self, prompts, n=1):
        time.sleep(0.15)
        return [[p[-1]["content"][:10]] * n for p in prompts]


def test_concurrency_is_limited(monkeypatch):
    with ChatServer(SlowEcho(ModelConfig(backend="fake")), "echo") as srv:
        srv._gen_lock = _NoLock()  # let the echo backend run requests side by side
        backend = make_backend(ModelConfig(backend="openai", model="echo", endpoint=srv.base_url, concurrency=2,
                                           retries=0, timeout_s=30, api_key_env="NO_SUCH_VARIABLE_H6"))
        out = backend.generate([render_messages(f"SELECT {i}") for i in range(6)])
        assert len(out) == 6 and srv.max_in_flight == 2
        assert srv.headers[0].get("authorization") == "Bearer EMPTY"


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_unreachable_server_is_a_backend_error(monkeypatch):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    backend = make_backend(ModelConfig(backend="openai", model="m", endpoint=f"http://127.0.0.1:{port}/v1",
                                       retries=0, timeout_s=5))
    with pytest.raises(BackendError, match="cannot reach"):
        backend.generate(PROMPTS[:1])


def test_configuration_errors():
    with pytest.raises(BackendError, match="endpoint"):
        make_backend(ModelConfig(backend="openai", model="m"))
    with pytest.raises(BackendError, match="model"):
        make_backend(ModelConfig(backend="openai", endpoint="http://127.0.0.1:1/v1"))
