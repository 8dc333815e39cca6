"""Model inference core: prompt → generation → guardrail → validation → one repair turn.

:func:`translate` takes the units the rules could not convert and returns one :class:`Answer`
per unit, in order:

1. every unit's prompt (:func:`migrator.model.prompt.render_messages`) goes to the backend in
   ONE ``generate`` call with ``n = candidates`` (prompts found in the cache are not sent);
2. each completion goes through :func:`migrator.model.guardrail.guard` (cleaning, statement
   kinds, names, residue, the offline validator) and then the optional ``validate`` callable
   (e.g. a real Oracle); a candidate passes when both report nothing;
3. of the passing candidates the one whose normalised form (:func:`normalise`) is the most
   frequent wins; ties go to the first;
4. units with no passing candidate get one repair turn: ONE more batched ``generate`` call whose
   prompts carry the best failed answer and its reasons (``previous=``/``errors=``);
5. every attempt is returned in ``Answer.attempts`` and passed to ``log`` as one dict.

Nothing here imports torch, transformers, vllm or openai.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from migrator.model.guardrail import guard, mask
from migrator.model.prompt import PromptContext, prompt_key, render_messages

MAX_REPAIR_ERRORS = 12        # reasons quoted in a repair prompt
MAX_REASON_CHARS = 300
MAX_PREVIOUS_CHARS = 6000     # the failed answer quoted in a repair prompt


@dataclass
class Unit:
    key: str
    tsql: str
    context: PromptContext = field(default_factory=PromptContext)
    known_names: frozenset = frozenset()


@dataclass
class Attempt:
    text: str                   # the cleaned code
    ok: bool
    reasons: list[str]
    repair: bool = False
    raw: str = ""               # the completion as the model wrote it
    candidate: int = 0
    from_cache: bool = False


@dataclass
class Answer:
    key: str
    text: str | None            # the accepted code, or None
    model_id: str
    attempts: list[Attempt] = field(default_factory=list)
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        return self.text is not None


def normalise(code: str) -> str:
    """Comparable form of an answer: comments dropped, whitespace collapsed, upper case outside
    string literals (two candidates with the same form are the same conversion)."""
    text, _ = mask(code, blank_strings=False)
    out, k = [], 0
    for m in re.finditer(r"'(?:[^']|'')*'", text):
        out += [re.sub(r"\s+", " ", text[k:m.start()].upper()), m.group(0)]
        k = m.end()
    out.append(re.sub(r"\s+", " ", text[k:].upper()))
    return "".join(out).strip()


def sampling_params(backend, n: int) -> dict:
    """The generation parameters that are part of the cache key."""
    cfg = backend.config
    temperature = cfg.temperature if (n == 1 or cfg.temperature) else 0.7
    return {"n": n, "temperature": temperature, "top_p": cfg.top_p, "max_tokens": cfg.max_tokens,
            "seed": cfg.seed}


# ---- generation with the cache -----------------------------------------------------------------------------

@dataclass
class _Call:
    messages: list[dict]
    key: str
    completions: list[str] | None = None
    from_cache: bool = False
    error: str = ""


def _generate(backend, calls: list[_Call], n: int, cache) -> None:
    """Fill each call's completions: from the cache, else in one backend call (duplicates once)."""
    todo: dict[str, list[_Call]] = {}
    for c in calls:
        hit = cache.get(c.key) if cache is not None else None
        if hit is not None and len(hit) == n:
            c.completions, c.from_cache = hit, True
        else:
            todo.setdefault(c.key, []).append(c)
    if not todo:
        return
    keys = list(todo)
    outs = backend.generate([todo[k][0].messages for k in keys], n=n)
    if len(outs) != len(keys):
        from migrator.model.backends import BackendError

        raise BackendError(f"the backend returned {len(outs)} results for {len(keys)} prompts")
    errors = getattr(backend, "last_errors", None) or {}
    for i, (k, texts) in enumerate(zip(keys, outs)):
        texts = [t if isinstance(t, str) else "" for t in (texts or [])]
        for c in todo[k]:
            c.completions = texts
            c.error = errors.get(i, "")
        if cache is not None and len(texts) == n and not errors.get(i):
            cache.put(k, texts, {"model": backend.model_id})


# ---- judging -----------------------------------------------------------------------------------------------

def _judge(unit: Unit, call: _Call, n: int, repair: bool, validate) -> list[Attempt]:
    texts = call.completions or []
    if not texts:
        why = f"backend: {call.error}" if call.error else "backend: no completion"
        return [Attempt("", False, [why], repair, "", i, call.from_cache) for i in range(n)]
    attempts = []
    for i, raw in enumerate(texts):
        try:
            g = guard(unit.tsql, raw, known_names=unit.known_names, names=unit.context.names)
            attempts.append(Attempt(g.code, g.ok, list(g.reasons), repair, raw, i, call.from_cache))
        except Exception as e:  # noqa: BLE001 - a guardrail crash rejects, never accepts
            attempts.append(Attempt("", False, [f"guardrail error: {type(e).__name__}: {e}"], repair, raw, i,
                                    call.from_cache))
    if validate is not None:
        _validate_extra(attempts, validate)
    return attempts


def _validate_extra(attempts: list[Attempt], validate: Callable[[str], list[str]]) -> None:
    """Run the extra validator once per distinct normalised form of the passing attempts."""
    seen: dict[str, list[str]] = {}
    for a in attempts:
        if not a.ok:
            continue
        form = normalise(a.text)
        if form not in seen:
            try:
                seen[form] = [str(e) for e in (validate(a.text) or [])]
            except Exception as e:  # noqa: BLE001 - a failing check rejects
                seen[form] = [f"validation failed: {type(e).__name__}: {e}"]
        if seen[form]:
            a.ok, a.reasons = False, list(seen[form])


def choose(attempts: list[Attempt]) -> Attempt | None:
    """The passing attempt whose normalised form is the most frequent (ties: the first)."""
    passing = [a for a in attempts if a.ok]
    if not passing:
        return None
    counts = Counter(normalise(a.text) for a in passing)
    best = max(counts.values())
    return next(a for a in passing if counts[normalise(a.text)] == best)


def _repair_source(attempts: list[Attempt]) -> Attempt:
    """The failed attempt a repair turn quotes: one with code, fewest reasons, first."""
    with_code = [a for a in attempts if a.text.strip()] or attempts
    return min(with_code, key=lambda a: (len(a.reasons), a.candidate))


def _repair_messages(unit: Unit, failed: Attempt) -> list[dict]:
    previous = failed.text or failed.raw or "(empty answer)"
    if len(previous) > MAX_PREVIOUS_CHARS:
        previous = previous[:MAX_PREVIOUS_CHARS] + "\n-- (answer truncated)"
    errors = [r[:MAX_REASON_CHARS] for r in failed.reasons[:MAX_REPAIR_ERRORS]]
    return render_messages(unit.tsql, unit.context, previous=previous, errors=errors)


# ---- the loop ----------------------------------------------------------------------------------------------

def translate(backend, units: list[Unit], *, candidates: int = 1, repair: bool = True, cache=None,
              validate: Callable[[str], list[str]] | None = None,
              log: Callable[[dict], None] | None = None) -> list[Answer]:
    """Model answers for ``units`` (same order); see the module doc for the steps."""
    n = max(1, int(candidates))
    model_id = backend.model_id
    params = sampling_params(backend, n)
    answers = [Answer(u.key, None, model_id) for u in units]
    cached = [True] * len(units)

    def run_round(indices: list[int], messages: list[list[dict]], is_repair: bool) -> None:
        calls = [_Call(m, prompt_key(m, model_id, params)) for m in messages]
        _generate(backend, calls, n, cache)
        for i, call in zip(indices, calls):
            attempts = _judge(units[i], call, n, is_repair, validate)
            chosen = choose(attempts)
            cached[i] = cached[i] and call.from_cache
            answers[i].attempts += attempts
            if chosen is not None:
                answers[i].text = chosen.text
            if log is not None:
                for a in attempts:
                    log(_log_entry(units[i], a, model_id, call.key, a is chosen))

    if not units:
        return answers
    run_round(list(range(len(units))), [render_messages(u.tsql, u.context) for u in units], False)
    if repair:
        failed = [i for i, a in enumerate(answers) if a.text is None]
        if failed:
            run_round(failed, [_repair_messages(units[i], _repair_source(answers[i].attempts)) for i in failed],
                      True)
    for i, a in enumerate(answers):
        a.from_cache = cached[i]
    return answers


def _log_entry(unit: Unit, a: Attempt, model_id: str, key: str, chosen: bool) -> dict:
    return {"unit": unit.key, "model": model_id, "prompt_key": key, "repair": a.repair,
            "candidate": a.candidate, "ok": a.ok, "chosen": chosen, "reasons": list(a.reasons),
            "text": a.text, "raw": a.raw, "from_cache": a.from_cache}
