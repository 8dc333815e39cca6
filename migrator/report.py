"""The run report: ``migration-report.json``, ``name-map.json`` and the terminal summary."""

from __future__ import annotations

import json
import os
from collections import Counter

from migrator import __version__
from migrator.convert import CAVEATS, CONVERTED, FAILED, MARKED, MODEL
from migrator.pipeline import RunResult, atomic_write

STATUSES = [CONVERTED, CAVEATS, MODEL, MARKED, FAILED]


def summarize(run: RunResult) -> dict:
    units = Counter()
    kinds: dict[str, Counter] = {}
    rules: dict[str, Counter] = {}
    files = Counter()
    for f in run.files:
        files[f.status] += 1
        if f.error:
            units[FAILED] += 1
        for u in f.units:
            units[u.status] += 1
            kinds.setdefault(u.kind, Counter())[u.status] += 1
            for e in u.events:
                rules.setdefault(e.rule, Counter())[e.severity] += 1
    return {
        "files": {s: files.get(s, 0) for s in STATUSES},
        "units": {s: units.get(s, 0) for s in STATUSES},
        "by_kind": {k: dict(v) for k, v in sorted(kinds.items())},
        "by_rule": {k: dict(v) for k, v in sorted(rules.items())},
        "lines": run.lines,
        "seconds": round(run.seconds, 3),
        "cache_hits": run.cache_hits,
        **({"model": run.model.to_dict()} if getattr(run, "model", None) is not None else {}),
    }


def write_reports(run: RunResult, output_dir: str, validation: dict | None = None) -> dict:
    from migrator.rulebook import load_rules

    summary = summarize(run)
    rules = load_rules()
    report = {
        "tool": "migrate", "version": __version__, "target": "Oracle Database 19c",
        "summary": summary,
        "rules": {rid: rules[rid].to_dict() for rid in summary["by_rule"] if rid in rules},
        "files": [f.to_dict() for f in run.files],
    }
    if validation is not None:
        report["validation"] = validation
    os.makedirs(output_dir, exist_ok=True)
    atomic_write(os.path.join(output_dir, "migration-report.json"), json.dumps(report, indent=2) + "\n")
    if run.names is not None:
        atomic_write(os.path.join(output_dir, "name-map.json"), json.dumps(run.names.to_json(), indent=2) + "\n")
    from migrator.report_html import render

    atomic_write(os.path.join(output_dir, "migration-report.html"),
                 render(run, report, title=os.path.basename(os.path.abspath(output_dir)), validation=validation))
    return report


def print_summary(report: dict, console) -> None:
    from rich.table import Table

    s = report["summary"]
    t = Table(title=f"migrate {report['version']}: {sum(s['files'].values())} files, {s['lines']} lines "
                    f"in {s['seconds']:.2f}s ({s['cache_hits']} cached)")
    t.add_column("units")
    for st in STATUSES:
        t.add_column(st, justify="right")
    t.add_row("all", *[str(s["units"][st]) for st in STATUSES])
    for kind, c in s["by_kind"].items():
        t.add_row(kind, *[str(c.get(st, 0)) for st in STATUSES])
    console.print(t)
    if s["by_rule"]:
        r = Table(title="by rule")
        r.add_column("rule")
        r.add_column("name")
        for sev in ("info", "note", "todo", "error"):
            r.add_column(sev, justify="right")
        names = report.get("rules", {})
        for rid, c in s["by_rule"].items():
            r.add_row(rid, names.get(rid, {}).get("name", ""), *[str(c.get(sev, 0) or "") for sev in
                                                               ("info", "note", "todo", "error")])
        console.print(r)
    m = s.get("model")
    if m and m.get("error"):
        console.print(f"[red]model {m['model_id']} could not run[/red]: {m['error']} ({m['routed']} marked units keep "
                      "their markers)")
    elif m:
        console.print(f"model {m['model_id']}: {m['routed']} marked units sent, {m['accepted']} converted (review), "
                      f"{m['suggested']} suggested, {m['rejected']} rejected by the guardrail/validation "
                      f"({m['attempts']} attempts, {m['from_cache']} from cache)")
    for f in report["files"]:
        if f.get("error"):
            console.print(f"[red]error[/red] {f['path']}: {f['error']}")
