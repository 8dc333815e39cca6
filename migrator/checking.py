"""Validation of Oracle scripts for `migrate check` and `migrate convert --validate`.

Two modes: ``offline`` (the default; ``migrator.validate``: syntax, names, Oracle codes)
and ``oracle`` (``migrator.oracle_db``: compile on a real Oracle 19c). Findings are plain
dicts (see ``migrator.formats``), paths relative to the checked root, and — for a
conversion run — mapped back to the unit and the T-SQL line each came from.
"""

from __future__ import annotations

import os

ORACLE_SUFFIXES = (".sql", ".pks", ".pkb", ".tps", ".tpb", ".pls", ".plb", ".prc", ".fnc", ".trg", ".vw", ".ddl")


def script_files(root: str) -> list[tuple[str, str]]:
    """(relative path, absolute path) of every Oracle script under root (or root itself)."""
    from migrator.pipeline import discover

    return discover(root, ORACLE_SUFFIXES)


def _rel(path: str, files: list[tuple[str, str]]) -> str:
    by_abs = {os.path.abspath(a): r for r, a in files}
    return by_abs.get(os.path.abspath(path), path)


def units_of(files: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Unit titles per file (for JUnit test cases)."""
    from migrator.validate.splitter import split

    out = {}
    for rel, full in files:
        with open(full, encoding="utf-8", errors="replace") as fh:
            out[rel] = [u.title or u.kind for u in split(fh.read()) if u.kind != "sqlplus"]
    return out


def check_offline(files: list[tuple[str, str]], strict: bool = False) -> list[dict]:
    from migrator.validate import Validator

    v = Validator()
    v.catalog.complete = strict or v.catalog.complete
    for rel, full in files:
        with open(full, encoding="utf-8", errors="replace") as fh:
            v.add_file(full, fh.read())
    findings = []
    for f in v.run():
        d = f.to_dict()
        d["path"] = _rel(d["path"], files)
        findings.append(d)
    return findings


def check_oracle(files: list[tuple[str, str]], pool_size: int = 2) -> list[dict]:
    from migrator.oracle_db import OracleUnit, OracleValidator
    from migrator.validate.splitter import split

    units = []
    for rel, full in files:
        with open(full, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for u in split(text):
            if u.kind == "sqlplus":
                continue
            line = text.count("\n", 0, u.start) + 1
            units.append(OracleUnit(rel, u.title or u.kind, u.text, line))
    with OracleValidator(pool_size=pool_size) as v:
        return v.validate(units)


def check(root: str, mode: str = "offline", strict: bool = False, jobs: int = 2) -> tuple[list[dict], list[str],
                                                                                        dict[str, list[str]]]:
    files = script_files(root)
    if mode == "oracle":
        findings = check_oracle(files, pool_size=jobs)
    else:
        findings = check_offline(files, strict)
    findings.sort(key=lambda f: (f["path"], f.get("line") or 0, f.get("col") or 0, f["code"]))
    return findings, [r for r, _ in files], units_of(files)


def attach_to_run(findings: list[dict], run) -> dict:
    """Map findings on a conversion's output back to its units and T-SQL lines.

    Returns {"errors": n, "warnings": n, "by_file": {path: [finding + unit, unit_line, tsql_line]}}."""
    by_path = {f.path: f for f in run.files}
    by_file: dict[str, list[dict]] = {}
    for f in findings:
        res = by_path.get(f["path"])
        if res is not None:
            owner, index = None, None
            for i, u in enumerate(res.units):
                if u.out_line and u.out_line <= (f.get("line") or 0):
                    owner, index = u, i
            if owner is not None:
                f["unit"] = owner.name or owner.kind
                f["unit_index"] = index
                f["unit_line"] = f["line"] - owner.out_line + 1
                f["tsql_line"] = owner.span.line
        by_file.setdefault(f["path"], []).append(f)
    errors = sum(1 for f in findings if f.get("severity") == "error")
    return {"errors": errors, "warnings": len(findings) - errors, "by_file": by_file}
