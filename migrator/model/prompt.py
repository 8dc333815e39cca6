"""The prompt shared by training and inference.

Training (``training/corpus``) builds its chat examples with :func:`render_messages`, and the
inference path (``migrator/model``) sends exactly the same messages, so what the model learnt is
what it is asked. The template is one file, ``templates/prompt.j2``; :data:`PROMPT_VERSION`
changes with it (it is part of the dataset manifest and of the model-result cache key).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROMPT_VERSION = "1"
TEMPLATE_PATH = Path(__file__).with_name("templates") / "prompt.j2"

MAX_CONTEXT_LINES = 40       # catalog lines kept in a prompt
MAX_SURROUNDINGS = 2000      # characters of already-converted code kept in a prompt
MAX_PARTIAL = 12000          # characters of the rules' partial conversion kept in a prompt


@dataclass
class PromptContext:
    """What the model is told besides the T-SQL.

    ``tables``/``routines``: one line each, in Oracle names, e.g.
    ``TABLE ORDERS (ORDER_ID NUMBER(10) NOT NULL, CUSTOMER_ID NCHAR(5))``.
    ``names``: (T-SQL name, Oracle name) pairs of the project's name map that the unit uses.
    ``surroundings``: already converted Oracle code around the unit (truncated).
    ``notes``: why the rules marked the unit (the TODO reasons).
    ``partial``: the rules' own conversion of a routine/script with the statements they could not
    convert marked (the model completes it rather than starting over).
    """

    tables: list[str] = field(default_factory=list)
    routines: list[str] = field(default_factory=list)
    names: list[tuple[str, str]] = field(default_factory=list)
    surroundings: str = ""
    notes: list[str] = field(default_factory=list)
    partial: str = ""

    def to_dict(self) -> dict:
        d = {"tables": list(self.tables), "routines": list(self.routines),
             "names": [list(p) for p in self.names], "surroundings": self.surroundings,
             "notes": list(self.notes)}
        if self.partial:
            d["partial"] = self.partial
        return d

    @classmethod
    def from_dict(cls, d: dict | None) -> "PromptContext":
        d = d or {}
        return cls(tables=list(d.get("tables", [])), routines=list(d.get("routines", [])),
                   names=[tuple(p) for p in d.get("names", [])], surroundings=d.get("surroundings", ""),
                   notes=list(d.get("notes", [])), partial=d.get("partial", ""))


@lru_cache(maxsize=1)
def _module():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_PATH.parent)),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=False,
                             autoescape=False)
    return env.get_template(TEMPLATE_PATH.name).module


def template_sha256() -> str:
    return hashlib.sha256(TEMPLATE_PATH.read_bytes()).hexdigest()


def render_messages(tsql: str, context: PromptContext | None = None, *,
                    previous: str | None = None, errors: list[str] | None = None,
                    answer: str | None = None) -> list[dict]:
    """Chat messages for one unit: system, user (and, for training, the assistant ``answer``).

    ``previous``/``errors``: a repair turn — the model's earlier answer and the validation
    errors it got (the repair loop at inference; self-repair pairs in training).
    """
    ctx = context or PromptContext()
    m = _module()
    if len(ctx.partial) > MAX_PARTIAL:
        ctx = PromptContext(**{**ctx.__dict__, "partial": ""})  # too long to help: the T-SQL alone
    surroundings = ctx.surroundings
    if len(surroundings) > MAX_SURROUNDINGS:
        surroundings = surroundings[-MAX_SURROUNDINGS:]
    user = str(m.user(tsql.strip("\n"), ctx.tables[:MAX_CONTEXT_LINES], ctx.routines[:MAX_CONTEXT_LINES],
                      list(ctx.names)[:MAX_CONTEXT_LINES], surroundings.strip("\n"), list(ctx.notes),
                      previous, list(errors or []), ctx.partial.strip("\n"))).strip()
    messages = [{"role": "system", "content": str(m.system()).strip()},
                {"role": "user", "content": user}]
    if answer is not None:
        messages.append({"role": "assistant", "content": answer.strip("\n")})
    return messages


def prompt_key(messages: list[dict], model_id: str, params: dict | None = None) -> str:
    """Cache key of one model call: the messages, the model and the sampling parameters."""
    blob = json.dumps({"v": PROMPT_VERSION, "m": messages, "model": model_id, "p": params or {}},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


_FENCE = re.compile(r"```[a-zA-Z0-9_+-]*\s*\n(.*?)```", re.S)


def strip_fences(text: str) -> str:
    """The code of a model answer: the first fenced block if there is one, else the text."""
    m = _FENCE.search(text)
    return (m.group(1) if m else text).strip("\n")
