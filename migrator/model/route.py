"""The model stage of the pipeline: what the rules marked TODO goes to the model.

After the rules converted every file, each unit they marked (a top-level statement, or the
routine/script that holds the marked statement) is sent with its context (catalog entries,
name map, the converted unit before it, the TODO reasons) through ``infer.translate``: prompt
→ generation → guardrail → validation → one repair turn → candidates. An answer that passes is

* with ``accept`` (``--accept-model``): put in place of the marker under
  ``-- MIGRATION NOTE [MODEL]: converted by <model id>, review``; the unit's status becomes
  ``model`` and is counted apart in the report;
* without it: written as a commented-out suggestion under the marker
  (``-- MIGRATION SUGGESTION [MODEL]``); the unit stays ``marked``.

A rejected answer changes nothing but an info event: the marker stays.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field

from migrator.convert import FAILED, MARKED, MODEL, FileResult, UnitResult
from migrator.rulebook import INFO, NOTE, TODO, Event

RULE = "MODEL"
SUGGESTION = "-- MIGRATION SUGGESTION [MODEL]"


@dataclass
class ModelStats:
    model_id: str = ""
    routed: int = 0
    accepted: int = 0
    suggested: int = 0
    rejected: int = 0
    from_cache: int = 0
    attempts: int = 0
    rejections: dict = field(default_factory=dict)  # unit key -> reasons of its last attempt
    error: str = ""  # the backend could not run: every marker stays

    def to_dict(self) -> dict:
        d = {"model_id": self.model_id, "routed": self.routed, "accepted": self.accepted,
             "suggested": self.suggested, "rejected": self.rejected, "from_cache": self.from_cache,
             "attempts": self.attempts}
        if self.error:
            d["error"] = self.error
        return d


def routable(unit: UnitResult) -> bool:
    return unit.status in (MARKED, FAILED) and bool(unit.source.strip())


_SETUP_NAME = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:GLOBAL\s+TEMPORARY\s+)?(?:TABLE|TYPE)\s+"
                         r"(?:\w+\.)?(\"[^\"]+\"|[\w$#]+)", re.I)


def known_names(project, files: list[FileResult] = ()) -> frozenset[str]:
    """Oracle names of every object the project defines (the guardrail's allowed identifiers),
    with the setup script's global temporary tables and types."""
    cat, names = project.catalog, project.names
    out = set()
    for res in files:
        for ddl in res.setup.values():
            out.update(m.group(1).strip('"') if m.group(1).startswith('"') else m.group(1).upper()
                       for m in _SETUP_NAME.finditer(ddl))
    for group in (cat.tables, cat.views, cat.routines, cat.sequences, cat.table_types):
        for entry in group.values():
            out.add(names.name(entry["name"]))
            for col in entry.get("columns", {}).values():
                out.add(names.name(col["name"]))
    return frozenset(out)


def collect_units(files: list[FileResult], project) -> list[tuple[FileResult, int, object]]:
    """(file, unit index, infer.Unit) for every unit the model should see."""
    from migrator.model.context import context_for
    from migrator.model.infer import Unit

    allowed = known_names(project, files)
    out = []
    for res in files:
        if res.error:
            continue
        for i, u in enumerate(res.units):
            if not routable(u):
                continue
            before = next((p.oracle for p in reversed(res.units[:i]) if p.status not in (MARKED, FAILED)), "")
            notes = [f"{e.rule}: {e.message}" for e in u.events if e.severity in (TODO, "error")]
            ctx = context_for(u.source, project, notes=notes, surroundings=before, partial=partial_conversion(u))
            out.append((res, i, Unit(key=f"{res.path}#{i}", tsql=u.source, context=ctx, known_names=allowed)))
    return out


_COMMENTS = re.compile(r"/\*.*?\*/|--[^\n]*", re.S)


def partial_conversion(unit: UnitResult) -> str:
    """The rules' conversion of a routine or script that holds a marked statement (code around
    the marker), or "" when the whole unit is commented out."""
    if unit.kind not in ("procedure", "function", "trigger", "script"):
        return ""
    code = _COMMENTS.sub("", unit.oracle)
    return unit.oracle.strip("\n") if code.strip().strip("/").strip() else ""


def provenance(model_id: str) -> str:
    return f"-- MIGRATION NOTE [{RULE}]: converted by {model_id}, review"


def _terminated(code: str) -> str:
    return code.rstrip("\n")


def accepted_text(code: str, model_id: str) -> str:
    return f"{provenance(model_id)}\n{_terminated(code)}\n"


def suggestion_text(unit: UnitResult, code: str, model_id: str) -> str:
    lines = [f"{SUGGESTION}: {model_id} proposes this conversion (it passed the guardrail and validation; "
             "review it, or rerun with --accept-model to apply it)"]
    lines += [f"-- {line}" if line.strip() else "--" for line in _terminated(code).split("\n")]
    return unit.oracle.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def replace_units(res: FileResult, new_texts: dict[int, str]) -> None:
    """Put new text in place of some units of an assembled file (output and out_line updated)."""
    if not new_texts or res.output is None:
        return
    lines = res.output.split("\n")
    for i in sorted(new_texts, reverse=True):
        u = res.units[i]
        old = u.oracle.rstrip("\n").split("\n")
        start = u.out_line - 1
        if u.out_line <= 0 or lines[start:start + len(old)] != old:
            raise RuntimeError(f"{res.path}: unit {i} is not where the file says it is")
        lines[start:start + len(old)] = new_texts[i].rstrip("\n").split("\n")
        u.oracle = new_texts[i]
    res.output = "\n".join(lines)
    text_lines = lines  # recompute where each unit starts (the source map for validation)
    pos = 0
    for u in res.units:
        body = u.oracle.rstrip("\n").split("\n")
        if not u.oracle.strip():
            continue
        while pos < len(text_lines) and text_lines[pos:pos + len(body)] != body:
            pos += 1
        u.out_line = pos + 1 if pos < len(text_lines) else 0
        pos += len(body)


def apply_model(files: list[FileResult], project, mcfg, *, backend=None, cache_dir: str | None = None,
                log_path: str | None = None, validate=None) -> ModelStats:
    """Route the marked units of ``files`` through the model; change the files in place."""
    from migrator.model.backends import BackendError, make_backend
    from migrator.model.infer import translate

    stats = ModelStats(model_id=backend.model_id if backend is not None else mcfg.model_id)
    routed = collect_units(files, project)
    stats.routed = len(routed)
    if not routed:
        return stats
    own = backend is None
    try:
        backend = backend or make_backend(mcfg)
    except BackendError as e:
        stats.error = str(e)
        return stats
    cache = None
    if cache_dir:
        from migrator.model.cache import ModelCache

        cache = ModelCache(os.path.join(cache_dir, "model"))
    entries: list[dict] = []

    def log(entry: dict) -> None:
        stats.attempts += 1
        entries.append(entry)

    try:
        answers = translate(backend, [u for _r, _i, u in routed], candidates=max(1, mcfg.candidates),
                            repair=mcfg.repair, cache=cache, validate=validate, log=log)
    except BackendError as e:  # unreachable server, missing library: the run goes on with its markers
        stats.error = str(e)
        return stats
    finally:
        if log_path:
            from migrator.pipeline import atomic_write

            atomic_write(log_path, "".join(json.dumps(e, ensure_ascii=False, sort_keys=True, default=str) + "\n"
                                           for e in entries))
        if own:
            backend.close()
    changes: dict[str, dict[int, str]] = {}
    by_path = {r.path: r for r, _i, _u in routed}
    for (res, i, unit), ans in zip(routed, answers):
        u = res.units[i]
        stats.from_cache += int(bool(getattr(ans, "from_cache", False)))
        if not ans.text:
            stats.rejected += 1
            reasons = ans.attempts[-1].reasons if ans.attempts else ["no answer"]
            stats.rejections[unit.key] = reasons
            u.events.append(Event(RULE, INFO, f"{stats.model_id} was asked; its answer was rejected "
                                              f"({'; '.join(reasons[:3])}): the marker stays", u.span.line, u.span.col))
            continue
        if mcfg.accept:
            stats.accepted += 1
            changes.setdefault(res.path, {})[i] = accepted_text(ans.text, stats.model_id)
            for e in u.events:
                if e.severity == TODO:
                    e.severity = NOTE
                    e.message = f"converted by the model, not the rules: {e.message}"
            u.events.append(Event(RULE, NOTE, f"converted by {stats.model_id}: review before deploying",
                                  u.span.line, u.span.col))
            u.status = MODEL
        else:
            stats.suggested += 1
            changes.setdefault(res.path, {})[i] = suggestion_text(u, ans.text, stats.model_id)
            u.events.append(Event(RULE, INFO, f"{stats.model_id} suggests a conversion (written below the "
                                              "marker; --accept-model applies it)", u.span.line, u.span.col))
    for path, new in changes.items():
        replace_units(by_path[path], new)
    return stats
