"""Finding reports for `migrate check` and `migrate convert --validate`: human, json, SARIF 2.1.0,
JUnit XML, GitHub workflow annotations.

A finding is a mapping (or object) with ``path`` (relative to the checked root), ``unit``,
``code`` (a stable rule id: an Oracle code such as ``PLS-00201`` or one of ours such as
``TS0900``), ``message``, ``severity`` (``error`` | ``warning`` | ``note``), and 1-based
``line``, ``col``, ``end_line``, ``end_col``.
"""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

from migrator import __version__

FORMATS = ("human", "json", "sarif", "junit", "github")


def _g(f, key, default=None):
    if isinstance(f, dict):
        return f.get(key, default)
    return getattr(f, key, default)


def as_dict(f) -> dict:
    keys = ("path", "unit", "code", "message", "severity", "line", "col", "end_line", "end_col")
    return {k: _g(f, k) for k in keys}


def human(findings, files: list[str]) -> str:
    lines = [f"{_g(f, 'path')}:{_g(f, 'line') or 1}:{_g(f, 'col') or 1}: {_g(f, 'severity')} "
             f"{_g(f, 'code')} {_g(f, 'message')}" for f in findings]
    errors = sum(1 for f in findings if _g(f, "severity") == "error")
    lines.append(f"{len(files)} file(s) checked, {errors} error(s), {len(findings) - errors} other finding(s)")
    return "\n".join(lines) + "\n"


def to_json(findings, files: list[str]) -> str:
    return json.dumps({"files": files, "findings": [as_dict(f) for f in findings]}, indent=2) + "\n"


_LEVEL = {"error": "error", "warning": "warning", "note": "note", "info": "note"}


def sarif(findings, files: list[str], rule_docs: dict[str, str] | None = None) -> str:
    """SARIF 2.1.0 log: one run, stable rule ids, repo-relative artifact URIs."""
    rule_docs = rule_docs or {}
    ids = sorted({_g(f, "code") for f in findings})
    rules = [{"id": rid, "name": rid.replace("-", ""), "shortDescription": {"text": rule_docs.get(rid, rid)}}
             for rid in ids]
    index = {rid: i for i, rid in enumerate(ids)}
    results = []
    for f in findings:
        region = {"startLine": _g(f, "line") or 1, "startColumn": _g(f, "col") or 1}
        if _g(f, "end_line"):
            region["endLine"] = _g(f, "end_line")
        if _g(f, "end_col"):
            region["endColumn"] = _g(f, "end_col")
        results.append({
            "ruleId": _g(f, "code"), "ruleIndex": index[_g(f, "code")],
            "level": _LEVEL.get(_g(f, "severity"), "warning"),
            "message": {"text": _g(f, "message")},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": _g(f, "path").replace("\\", "/"), "uriBaseId": "SRCROOT"},
                "region": region}}],
        })
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "migrate", "version": __version__, "informationUri":
                                "https://example.invalid/migrate", "rules": rules}},
            "originalUriBaseIds": {"SRCROOT": {"uri": "./"}},
            "artifacts": [{"location": {"uri": p.replace("\\", "/"), "uriBaseId": "SRCROOT"}} for p in files],
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"


def junit(findings, files: list[str], units: dict[str, list[str]] | None = None) -> str:
    """One testsuite per file, one testcase per unit; error findings are failures."""
    units = units or {}
    by_file: dict[str, list] = {}
    for f in findings:
        by_file.setdefault(_g(f, "path"), []).append(f)
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites name=\"migrate check\">"]
    for path in files:
        names = list(units.get(path) or [])
        fs = by_file.get(path, [])
        for f in fs:
            if (_g(f, "unit") or "(file)") not in names:
                names.append(_g(f, "unit") or "(file)")
        if not names:
            names = ["(file)"]
        failures = sum(1 for n in names if any((_g(f, "unit") or "(file)") == n and _g(f, "severity") == "error"
                                               for f in fs))
        out.append(f"  <testsuite name={quoteattr(path)} tests=\"{len(names)}\" failures=\"{failures}\" errors=\"0\">")
        for n in names:
            mine = [f for f in fs if (_g(f, "unit") or "(file)") == n]
            errs = [f for f in mine if _g(f, "severity") == "error"]
            out.append(f"    <testcase classname={quoteattr(path)} name={quoteattr(n)}>")
            if errs:
                text = "\n".join(f"{_g(f, 'line')}:{_g(f, 'col')} {_g(f, 'code')} {_g(f, 'message')}" for f in errs)
                out.append(f"      <failure message={quoteattr(_g(errs[0], 'code') + ' ' + _g(errs[0], 'message'))}"
                           f" type={quoteattr(_g(errs[0], 'code'))}>{escape(text)}</failure>")
            others = [f for f in mine if _g(f, "severity") != "error"]
            if others:
                text = "\n".join(f"{_g(f, 'line')}:{_g(f, 'col')} {_g(f, 'severity')} {_g(f, 'code')} "
                                 f"{_g(f, 'message')}" for f in others)
                out.append(f"      <system-out>{escape(text)}</system-out>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _gh_escape(s: str, prop: bool = False) -> str:
    s = str(s).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def github(findings, files: list[str]) -> str:
    """GitHub Actions workflow commands (::error file=…,line=…::message)."""
    kind = {"error": "error", "warning": "warning"}
    lines = []
    for f in findings:
        props = [f"file={_gh_escape(_g(f, 'path'), True)}", f"line={_g(f, 'line') or 1}", f"col={_g(f, 'col') or 1}"]
        if _g(f, "end_line"):
            props.append(f"endLine={_g(f, 'end_line')}")
        if _g(f, "end_col"):
            props.append(f"endColumn={_g(f, 'end_col')}")
        props.append(f"title={_gh_escape(_g(f, 'code'), True)}")
        lines.append(f"::{kind.get(_g(f, 'severity'), 'notice')} {','.join(props)}::{_gh_escape(_g(f, 'message'))}")
    return "\n".join(lines) + ("\n" if lines else "")


def render(fmt: str, findings, files: list[str], units: dict[str, list[str]] | None = None,
           rule_docs: dict[str, str] | None = None) -> str:
    if fmt == "human":
        return human(findings, files)
    if fmt == "json":
        return to_json(findings, files)
    if fmt == "sarif":
        return sarif(findings, files, rule_docs)
    if fmt == "junit":
        return junit(findings, files, units)
    if fmt == "github":
        return github(findings, files)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
