"""A tiny OpenAI-compatible chat-completions server over any :class:`Backend`.

For tests and local trials of the ``openai`` backend without vLLM: stdlib ``http.server`` on
127.0.0.1 (port 0 = an ephemeral one), bounded (request size, ``n``, ``max_tokens``, socket
timeouts), one generation at a time. It speaks the wire format ``vllm serve`` and OpenAI speak:

* ``POST /v1/chat/completions`` with ``{"model", "messages": [{"role", "content"}], "n",
  "temperature", "top_p", "max_tokens", "seed"}`` → ``{"id", "object": "chat.completion",
  "created", "model", "choices": [{"index", "message": {"role": "assistant", "content"},
  "finish_reason"}], "usage": {"prompt_tokens", "completion_tokens", "total_tokens"}}``;
* ``GET /v1/models`` → ``{"object": "list", "data": [{"id", "object": "model", ...}]}``;
* errors as ``{"error": {"message", "type", "code"}}`` with the HTTP status.

``fail_first`` (answer the first k requests with HTTP 500) and ``delay_s`` (sleep before
answering) let tests exercise a client's retries and timeouts.

    python -m migrator.model.serve_stub --model DIR [--adapter DIR] [--name tiny] [--port 8000]
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 2_000_000
MAX_N = 16
MAX_TOKENS_CAP = 4096


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class ChatServer:
    def __init__(self, backend, model_name: str = "tiny", *, host: str = "127.0.0.1", port: int = 0,
                 api_key: str | None = None, fail_first: int = 0, delay_s: float = 0.0,
                 max_tokens_cap: int = MAX_TOKENS_CAP):
        self.backend = backend
        self.model_name = model_name
        self.api_key = api_key
        self.fail_first = fail_first
        self.delay_s = delay_s
        self.max_tokens_cap = max_tokens_cap
        self.requests: list[dict] = []      # the JSON bodies received on /v1/chat/completions
        self.headers: list[dict] = []       # their HTTP headers, names in lower case
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()       # bookkeeping
        self._gen_lock = threading.Lock()   # one generation at a time
        self._httpd = _Server((host, port), _handler(self))
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "ChatServer":
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="chat-stub", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> "ChatServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- the work -----------------------------------------------------------------------------------------
    def complete(self, body: dict) -> dict:
        n, max_tokens = _check_request(body, self.max_tokens_cap)
        base = self.backend.config
        cfg = dataclasses.replace(base, temperature=float(body.get("temperature", base.temperature) or 0.0),
                                  top_p=float(body.get("top_p", base.top_p) or 1.0), max_tokens=max_tokens,
                                  seed=int(body.get("seed", base.seed) or 0))
        with self._gen_lock:
            self.backend.config = cfg
            try:
                texts = self.backend.generate([body["messages"]], n=n)[0]
            finally:
                self.backend.config = base
        prompt_tokens = self._count_prompt(body["messages"])
        completion_tokens = sum(self._count(t) for t in texts)
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
            "model": body["model"],
            "choices": [{"index": i, "message": {"role": "assistant", "content": t},
                         "finish_reason": "length" if self._count(t) >= max_tokens else "stop", "logprobs": None}
                        for i, t in enumerate(texts)],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }

    def _count(self, text: str) -> int:
        tok = getattr(self.backend, "tokenizer", None)
        if tok is None:
            return len(text.split())
        return len(tok(text, add_special_tokens=False)["input_ids"])

    def _count_prompt(self, messages: list[dict]) -> int:
        tok = getattr(self.backend, "tokenizer", None)
        if tok is None or not getattr(tok, "chat_template", None):
            return sum(len(m["content"].split()) for m in messages)
        return self._count(tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))

    def models(self) -> dict:
        return {"object": "list", "data": [{"id": self.model_name, "object": "model", "created": 0,
                                            "owned_by": "migrate"}]}


class RequestError(Exception):
    def __init__(self, status: int, message: str, code: str = "invalid_request_error"):
        super().__init__(message)
        self.status, self.code = status, code


def _check_request(body: dict, cap: int) -> tuple[int, int]:
    if not isinstance(body, dict):
        raise RequestError(400, "the body must be a JSON object")
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise RequestError(400, "'model' is required")
    msgs = body.get("messages")
    if not isinstance(msgs, list) or not msgs or not all(
            isinstance(m, dict) and m.get("role") in ("system", "user", "assistant")
            and isinstance(m.get("content"), str) for m in msgs):
        raise RequestError(400, "'messages' must be a non-empty list of {role, content} with text content")
    if body.get("stream"):
        raise RequestError(400, "streaming is not supported by this server")
    n = body.get("n", 1)
    if not isinstance(n, int) or not 1 <= n <= MAX_N:
        raise RequestError(400, f"'n' must be an integer in 1..{MAX_N}")
    max_tokens = body.get("max_tokens") or body.get("max_completion_tokens") or cap
    if not isinstance(max_tokens, int) or max_tokens < 1:
        raise RequestError(400, "'max_tokens' must be a positive integer")
    return n, min(max_tokens, cap)


def _handler(server: ChatServer):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 30

        def log_message(self, fmt, *args):  # quiet
            pass

        def _send(self, status: int, payload: dict, headers: dict | None = None) -> None:
            data = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str, code: str, headers: dict | None = None) -> None:
            self._send(status, {"error": {"message": message, "type": code, "code": status}}, headers)

        def _authorised(self) -> bool:
            if server.api_key is None or self.headers.get("Authorization") == f"Bearer {server.api_key}":
                return True
            self._error(401, "invalid API key", "authentication_error")
            return False

        def do_GET(self):  # noqa: N802 - http.server's naming
            if not self._authorised():
                return
            if self.path.rstrip("/") == "/v1/models":
                self._send(200, server.models())
            else:
                self._error(404, f"no route {self.path}", "not_found")

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._error(413, "request too large", "invalid_request_error")
                self.close_connection = True
                return
            raw = self.rfile.read(length) if length else b""
            if not self._authorised():
                return
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._error(404, f"no route {self.path}", "not_found")
                return
            with server._lock:
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
                index = len(server.requests)
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    body = None
                server.requests.append(body)
                server.headers.append({k.lower(): v for k, v in self.headers.items()})
            try:
                self._answer(index, body)
            finally:
                with server._lock:
                    server.in_flight -= 1

        def _answer(self, index: int, body) -> None:
            if server.delay_s:
                time.sleep(server.delay_s)
            if index < server.fail_first:
                self._error(500, "injected failure", "server_error", {"retry-after-ms": "20"})
                return
            if body is None:
                self._error(400, "the body is not JSON", "invalid_request_error")
                return
            try:
                self._send(200, server.complete(body))
            except RequestError as e:
                self._error(e.status, str(e), e.code)
            except Exception as e:  # noqa: BLE001 - the server reports, never dies
                self._error(500, f"{type(e).__name__}: {e}", "server_error")

    return Handler


def main(argv: list[str] | None = None) -> int:
    import argparse

    from migrator.model.backends import ModelConfig, make_backend

    ap = argparse.ArgumentParser(description="OpenAI-compatible chat server over a local model (for trials)")
    ap.add_argument("--model", required=True, help="model directory")
    ap.add_argument("--adapter", default="", help="LoRA adapter directory")
    ap.add_argument("--name", default="tiny", help="the model name clients ask for")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("--api-key", default=None)
    args = ap.parse_args(argv)
    backend = make_backend(ModelConfig(backend="transformers", model=args.model, adapter=args.adapter))
    srv = ChatServer(backend, args.name, port=args.port, api_key=args.api_key)
    print(f"serving {args.name} on {srv.base_url}", flush=True)
    try:
        srv._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv._httpd.server_close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
