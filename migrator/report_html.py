"""``migration-report.html``: one self-contained page (inline CSS, SVG charts, no network).

Summary cards and charts (units by status, by object kind, top rules), the rules that
fired, and per file and unit a side-by-side T-SQL | Oracle view with TODO/NOTE markers
and validation errors highlighted.
"""

from __future__ import annotations

import html
import os
from collections import Counter

from migrator.convert import CAVEATS, CONVERTED, FAILED, MARKED, MODEL

STATUSES = [CONVERTED, CAVEATS, MODEL, MARKED, FAILED]
COLORS = {CONVERTED: "#2e7d32", CAVEATS: "#f9a825", MODEL: "#6a1b9a", MARKED: "#ef6c00", FAILED: "#c62828"}


def bar_chart(items: list[tuple[str, int]], color: str = "#0969da", colors: dict | None = None,
              width: int = 360) -> str:
    """Horizontal bar chart as inline SVG."""
    if not items:
        return '<p class="muted">nothing</p>'
    top = max(v for _, v in items) or 1
    row, label_w = 22, 140
    h = row * len(items) + 4
    parts = [f'<svg width="{width}" height="{h}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(items):
        y = i * row + 2
        w = int((width - label_w - 50) * value / top)
        fill = (colors or {}).get(label, color)
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{html.escape(label[:22])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1)}" height="15" fill="{fill}" rx="2"/>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="12">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _highlight(text: str, error_lines: set[int] | None = None) -> str:
    out = []
    for i, line in enumerate(text.split("\n"), 1):
        esc = html.escape(line)
        if error_lines and i in error_lines:
            out.append(f'<span class="verr">{esc}</span>')
        elif "MIGRATION TODO" in line:
            out.append(f'<span class="todo">{esc}</span>')
        elif "MIGRATION NOTE" in line:
            out.append(f'<span class="note">{esc}</span>')
        else:
            out.append(esc)
    return "\n".join(out)


def render(run, report: dict, title: str, validation: dict | None = None, heading: str | None = None) -> str:
    """HTML text of the report for a RunResult and the JSON report built from it.

    ``validation``: optional {"errors": n, "by_file": {path: [finding dicts]}}; a finding's
    ``unit_line`` (line within the unit's Oracle text) is highlighted."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(__file__), "templates")),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    s = report["summary"]
    kinds = Counter()
    for f in run.files:
        for u in f.units:
            kinds[u.kind] += 1
    rule_totals = Counter({rid: sum(c.values()) for rid, c in s["by_rule"].items()})
    names = report.get("rules", {})
    files = []
    for f in sorted(run.files, key=lambda f: (STATUSES.index(f.status), f.path)):
        vfind = (validation or {}).get("by_file", {}).get(f.path, [])
        units = []
        for index, u in enumerate(f.units):
            mine = [v for v in vfind if v.get("unit_index") == index]
            lines = {v["unit_line"] for v in mine if v.get("unit_line")}
            units.append({"status": u.status, "kind": u.kind, "name": u.name, "line": u.span.line,
                          "end_line": u.span.end_line, "source_html": _highlight(u.source),
                          "oracle_html": _highlight(u.oracle, lines),
                          "events": [e.to_dict() for e in u.events if e.severity != "info"] +
                                    [{"rule": v["code"], "severity": v.get("severity", "error"),
                                      "message": f"{v['message']} (Oracle line {v.get('line')}"
                                                 + (f", T-SQL line {v['tsql_line']})" if v.get("tsql_line")
                                                    else ")"), "line": v.get("tsql_line")}
                                     for v in mine]})
        files.append({"path": f.path, "status": f.status, "error": f.error, "units": units,
                      "open": f.status in (MARKED, FAILED) and len(run.files) <= 50})
    return env.get_template("report.html.j2").render(
        title=title, version=report["version"], statuses=STATUSES,
        summary={**s, "files_total": sum(s["files"].values())},
        status_chart=bar_chart([(st, s["units"][st]) for st in STATUSES], colors=COLORS),
        kind_chart=bar_chart(kinds.most_common(12)),
        rule_chart=bar_chart([(f"{rid} {names.get(rid, {}).get('name', '')}".strip(), n)
                              for rid, n in rule_totals.most_common(12)]),
        rules=[{"id": rid, "name": names.get(rid, {}).get("name", ""), **{k: c.get(k, 0) for k in
                                                                          ("info", "note", "todo", "error")}}
               for rid, c in sorted(s["by_rule"].items())],
        files=files, validation=validation, heading=heading)


def render_check(findings: list[dict], files: list[str], root: str, title: str) -> str:
    """HTML for `migrate check`: per file and unit the Oracle text with findings highlighted."""
    import os as _os

    from migrator.checking import script_files
    from migrator.convert import FileResult, UnitResult
    from migrator.source import Span
    from migrator.validate.splitter import split

    class _Run:  # the shape render() reads
        pass

    run = _Run()
    run.files = []
    by_file: dict[str, list[dict]] = {}
    for f in findings:
        by_file.setdefault(f["path"], []).append(f)
    for rel, full in script_files(root):
        with open(full, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        res = FileResult(path=rel)
        for i, u in enumerate(x for x in split(text) if x.kind != "sqlplus"):
            line = text.count("\n", 0, u.start) + 1
            end_line = line + u.text.count("\n")
            mine = [f for f in by_file.get(rel, []) if line <= (f.get("line") or 0) <= end_line]
            for f in mine:
                f["unit_index"], f["unit_line"] = i, f["line"] - line + 1
            status = FAILED if any(f["severity"] == "error" for f in mine) else CAVEATS if mine else CONVERTED
            res.units.append(UnitResult(u.kind, u.title, Span(u.start, u.end, line, 1, end_line, 1), status,
                                        [], u.text, ""))
        run.files.append(res)
    units = Counter(u.status for f in run.files for u in f.units)
    codes = Counter(f["code"] for f in findings)
    report = {"version": __import__("migrator").__version__, "rules": {},
              "summary": {"units": {st: units.get(st, 0) for st in STATUSES},
                          "files": {st: sum(1 for f in run.files if f.status == st) for st in STATUSES},
                          "by_rule": {c: {"error": n} for c, n in codes.items()}, "lines": 0, "seconds": 0.0,
                          "cache_hits": 0}}
    errors = sum(1 for f in findings if f["severity"] == "error")
    validation = {"errors": errors, "warnings": len(findings) - errors, "by_file": by_file}
    return render(run, report, title=title or _os.path.basename(_os.path.abspath(root)), validation=validation,
                  heading="Oracle script check")
