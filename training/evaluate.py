"""``migrate train eval``: run models on a corpus split and score their answers.

Per record: the model's answer for the record's T-SQL and context, through the real inference
path (``migrator.model.infer.translate``: prompt, generation, guardrail, validation, repair turn,
candidates). Scores:

* ``valid``: the offline Oracle validator finds no error in the answer;
* ``residue_free``: no T-SQL left in it (``migrator.model.guardrail.residue``);
* ``exact``: equal to the reference after normalisation (whitespace collapsed, case folded,
  trailing ``;`` and ``/`` dropped);
* ``accepted`` (reported beside them): the inference path kept the answer (guardrail + validation).

A rejected answer is scored on the code of its last attempt (the one with the fewest reasons);
an empty answer fails all three. Results are
reported overall and per category, several models side by side (a rich table and a JSON file,
plus one predictions JSONL per model).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from migrator.model.backends import ModelConfig
from migrator.model.prompt import PromptContext
from training.sft import dataset_manifest, read_split

METRICS = ("valid", "residue_free", "exact")


# --- scoring ----------------------------------------------------------------------------------

def normalise_sql(text: str) -> str:
    """Whitespace collapsed, case folded, trailing statement terminators (``;``, ``/``) dropped."""
    t = re.sub(r"\s+", " ", text or "").strip().casefold()
    return re.sub(r"[\s;/]+$", "", t)


def exact_match(prediction: str, reference: str) -> bool:
    return bool(normalise_sql(prediction)) and normalise_sql(prediction) == normalise_sql(reference)


def offline_errors(text: str) -> list[str]:
    from migrator.validate.validator import validate_text

    return [f"{f.code}: {f.message}" for f in validate_text(text, path="<answer>") if f.severity == "error"]


def residue(text: str) -> list[str]:
    """T-SQL left in the answer: the guardrail's own check (the inference path's)."""
    from migrator.model.guardrail import residue as guard_residue

    return guard_residue(text)


def score(prediction: str, reference: str) -> dict:
    errors = offline_errors(prediction) if prediction.strip() else ["empty answer"]
    left = residue(prediction) if prediction.strip() else ["empty answer"]
    return {"valid": not errors, "residue_free": not left, "exact": exact_match(prediction, reference),
            "errors": errors[:5], "residue": left}


# --- generation -------------------------------------------------------------------------------

@dataclass
class Prediction:
    text: str                       # the answer scored ("" when none)
    accepted: bool = True           # the inference path kept it (guardrail + validation)
    attempts: int = 1
    reasons: list[str] = field(default_factory=list)


_CONTEXT_NAME = re.compile(r"^\s*(?:TABLE|VIEW|PROCEDURE|FUNCTION|PACKAGE|SEQUENCE|TYPE|SYNONYM)\s+([\w$#.\"]+)", re.I)


def context_names(ctx: PromptContext) -> frozenset[str]:
    """Oracle object names the prompt's catalog lines and name map mention (the guardrail's known names)."""
    out = {m.group(1).split(".")[-1] for line in [*ctx.tables, *ctx.routines] if (m := _CONTEXT_NAME.match(line))}
    out |= {oracle for _tsql, oracle in ctx.names if oracle}
    return frozenset(out)


def _best_failed(attempts: list) -> object | None:
    """Of the last round's attempts, the one with code and the fewest reasons (what a user would see)."""
    if not attempts:
        return None
    last = [a for a in attempts if a.repair == attempts[-1].repair]
    with_code = [a for a in last if (a.text or a.raw or "").strip()] or last
    return min(with_code, key=lambda a: (len(a.reasons), a.candidate))


def predict(backend, records: list[dict], *, repair: bool = True, candidates: int = 1) -> list[Prediction]:
    """Answers for ``records`` through the inference path (see the module docstring)."""
    from migrator.model.infer import Unit, translate

    units = []
    for i, r in enumerate(records):
        ctx = PromptContext.from_dict(r.get("context"))
        units.append(Unit(key=str(r.get("id", i)), tsql=r["tsql"], context=ctx, known_names=context_names(ctx)))
    out = []
    for ans in translate(backend, units, candidates=candidates, repair=repair):
        attempts = list(ans.attempts)
        if ans.text is not None:
            out.append(Prediction(text=ans.text, accepted=True, attempts=len(attempts)))
            continue
        # rejected: score what the model last said (cleaned), marked not accepted
        failed = _best_failed(attempts)
        text = (failed.text or failed.raw or "") if failed is not None else ""
        out.append(Prediction(text=text, accepted=False, attempts=len(attempts),
                              reasons=list(failed.reasons) if failed is not None else ["no answer"]))
    return out


# --- aggregation ------------------------------------------------------------------------------

def aggregate(rows: list[dict]) -> dict:
    """Overall and per-category percentages of each metric (and of answers the guardrail accepted)."""
    def pct(group: list[dict]) -> dict:
        n = len(group)
        return {"n": n, **{m: round(100.0 * sum(bool(r[m]) for r in group) / n, 2) if n else 0.0
                           for m in (*METRICS, "accepted")}}

    cats: dict[str, list[dict]] = {}
    for r in rows:
        cats.setdefault(r.get("category") or "uncategorised", []).append(r)
    return {"overall": pct(rows), "by_category": {c: pct(g) for c, g in sorted(cats.items())}}


@dataclass
class ModelSpec:
    label: str
    config: ModelConfig


def evaluate_model(spec: ModelSpec, records: list[dict], *, repair: bool = True, candidates: int = 1,
                   backend=None) -> tuple[dict, list[dict]]:
    """Scores of one model over ``records``: (summary, per-record rows)."""
    from migrator.model.backends import make_backend

    own = backend is None
    backend = backend or make_backend(spec.config)
    try:
        preds = predict(backend, records, repair=repair, candidates=candidates)
    finally:
        if own:
            backend.close()
    rows = []
    for rec, p in zip(records, preds):
        s = score(p.text, rec["oracle"])
        rows.append({"id": rec.get("id"), "category": rec.get("category"), "prediction": p.text,
                     "reference": rec["oracle"], "accepted": p.accepted, "attempts": p.attempts,
                     "reasons": p.reasons[:5], **s})
    summary = {"label": spec.label, "backend": spec.config.backend, "model": spec.config.model,
               "adapter": spec.config.adapter or None, **aggregate(rows)}
    return summary, rows


def run_eval(specs: list[ModelSpec], data_dir: Path, out_json: Path, *, split: str = "test",
             limit: int | None = None, repair: bool = True, candidates: int = 1,
             log: Callable[[str], None] = print) -> dict:
    records = read_split(Path(data_dir), split, limit)
    if not records:
        raise ValueError(f"the {split} split of {data_dir} is empty")
    manifest = dataset_manifest(Path(data_dir))
    out_json = Path(out_json)
    out_json.parent.mkdir(parents=True, exist_ok=True)
    result = {"data_dir": str(Path(data_dir).resolve()), "split": split, "n": len(records),
              "dataset_version": manifest.get("dataset_version"), "prompt_version": manifest.get("prompt_version"),
              "repair": repair, "candidates": candidates, "models": []}
    for spec in specs:
        log(f"evaluating {spec.label} on {len(records)} {split} examples")
        summary, rows = evaluate_model(spec, records, repair=repair, candidates=candidates)
        pred_path = out_json.with_name(f"{out_json.stem}.{_slug(spec.label)}.predictions.jsonl")
        pred_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        summary["predictions"] = str(pred_path)
        result["models"].append(summary)
    out_json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def _slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label).strip("_") or "model"


def comparison_table(result: dict):
    """A rich table: per category (overall first), one row per model with its three metrics."""
    from rich.table import Table

    models = result["models"]
    table = Table(title=f"{result['split']} split, {result['n']} examples "
                        f"(dataset {str(result.get('dataset_version') or '?')[:12]})")
    for name, justify in (("category", "left"), ("model", "left"), ("n", "right"), ("valid %", "right"),
                          ("no residue %", "right"), ("exact %", "right"), ("accepted %", "right")):
        table.add_column(name, justify=justify)
    cats = list(models[0]["by_category"]) if models else []
    for name in ["overall", *cats]:
        for k, m in enumerate(models):
            s = m["overall"] if name == "overall" else m["by_category"][name]
            table.add_row(name if k == 0 else "", m["label"], str(s["n"]),
                          *(f"{s[x]:.1f}" for x in (*METRICS, "accepted")),
                          end_section=k == len(models) - 1)
    return table


def model_specs(models: list[str], adapters: list[str], runs: list[str], *, with_base: bool,
                checkpoints: bool, backend: str = "transformers", **common) -> list[ModelSpec]:
    """The models to compare: each --model (base), each --adapter on the --model, each --run's adapter
    (and its checkpoints with ``checkpoints``)."""
    specs: list[ModelSpec] = []
    if adapters and len(models) != 1:
        raise ValueError("--adapter needs exactly one --model (the base it was trained on)")
    for m in models:
        if not adapters or with_base:
            specs.append(ModelSpec(f"base:{Path(m).name}", ModelConfig(backend=backend, model=m, **common)))
    for a in adapters:
        specs.append(ModelSpec(_adapter_label(a), ModelConfig(backend=backend, model=models[0], adapter=a, **common)))
    for r in runs:
        info = json.loads((Path(r) / "run.json").read_text(encoding="utf-8"))
        base = info["base_model"]
        if with_base and not any(s.config.model == base and not s.config.adapter for s in specs):
            specs.append(ModelSpec(f"base:{Path(base).name}", ModelConfig(backend=backend, model=base, **common)))
        if checkpoints:
            ckpts = sorted((Path(r) / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[-1]))
            for c in ckpts:
                specs.append(ModelSpec(f"{Path(r).resolve().name}/{c.name}",
                                       ModelConfig(backend=backend, model=base, adapter=str(c), **common)))
        specs.append(ModelSpec(f"{Path(r).resolve().name}/{Path(info['adapter']).name}",
                               ModelConfig(backend=backend, model=base, adapter=info["adapter"], **common)))
    seen: dict[str, int] = {}
    for s in specs:     # labels must be unique (they name the predictions files)
        n = seen.get(s.label, 0)
        seen[s.label] = n + 1
        if n:
            s.label = f"{s.label}#{n + 1}"
    return specs


def _adapter_label(path: str) -> str:
    p = Path(path)
    return f"{p.parent.name}/{p.name}" if p.parent.name else p.name
