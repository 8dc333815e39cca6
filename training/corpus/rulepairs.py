"""Rule-generated pairs: run our rules over T-SQL trees and keep the units that convert cleanly
and pass the offline validator; identifier-renaming augmentation; self-repair pairs.

A pair's ``object`` (the split-group key) is the source object it came from; augmented copies and
repair pairs keep their original's key, so no object leaks across train/validation/test.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlglot.tokens import TokenType

from migrator.config import Config
from migrator.convert import CAVEATS, CONVERTED, convert_source
from migrator.pipeline import build_project, discover, read_source
from migrator.source import SourceFile

KIND_CATEGORY = {
    "table": "ddl", "alter_table": "ddl", "index": "ddl", "sequence": "ddl", "type": "types",
    "view": "queries", "query": "queries", "dml": "dml", "procedure": "procedures", "function": "udf",
    "trigger": "triggers", "script": "scripts", "exec": "calls", "drop": "ddl", "comment": "ddl",
    "synonym": "ddl", "schema": "ddl",
}

_RULE_NOTE = re.compile(r"-- MIGRATION NOTE \[TS\d{4}\]:")


@dataclass
class RuleStats:
    files: int = 0
    units: int = 0
    kept: int = 0
    marked: int = 0
    invalid: int = 0
    capped: int = 0
    failed_files: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"files": self.files, "units": self.units, "kept": self.kept, "marked": self.marked,
                "invalid": self.invalid, "capped": self.capped, "failed_files": self.failed_files}


SKIP_DIRS = ("_original",)   # whole-script copies of files a corpus already holds split per object
MAX_PER_FILE_KIND = 25       # at most this many pairs of one kind from one file (data scripts repeat INSERTs)


def load_sources(root: str | Path, skip_dirs: tuple[str, ...] = SKIP_DIRS) -> list[SourceFile]:
    out = []
    for rel, full in discover(str(root)):
        if any(part in skip_dirs for part in Path(rel).parts[:-1]):
            continue
        src, err, _ = read_source(rel, full)
        if src is not None:
            out.append(src)
    return out


def _validation_errors(oracle: str, setup: dict) -> list[str]:
    from migrator.validate.validator import Validator

    v = Validator()
    if setup:
        v.add_file("setup.sql", "\n".join(s.rstrip() + ("" if s.rstrip().endswith(("/", ";")) else ";")
                                          for s in setup.values()))
    v.add_file("unit.sql", oracle)
    return [f"{f.code} at {f.line}:{f.col}: {f.message}" for f in v.run()
            if f.severity == "error" and f.path == "unit.sql"]


def pairs_from_sources(sources: list[SourceFile], *, label: str, config: Config | None = None,
                       stats: RuleStats | None = None, object_prefix: str | None = None,
                       variant: str = "", objects: dict | None = None) -> list[dict]:
    """Convert ``sources`` as one project; one record per unit converted without TODO that validates.

    ``objects``: (path, unit index) -> split-group key. Pass a dict to fill it (original run) or
    one filled before (renamed copies take their original's key: no leak across splits)."""
    from migrator.model.context import context_for

    config = config or Config()
    stats = stats if stats is not None else RuleStats()
    project = build_project(sources, config)
    records = []
    for src in sources:
        stats.files += 1
        try:
            res = convert_source(src, project)
        except Exception as e:  # noqa: BLE001 - one bad file must not stop a corpus build
            stats.failed_files.append(f"{src.path}: {type(e).__name__}: {e}")
            continue
        per_kind: dict[str, int] = {}
        for i, u in enumerate(res.units):
            stats.units += 1
            own = f"{object_prefix or label}:{src.path}#{u.kind}:{u.name or i}"
            if objects is not None and not variant:
                objects[(src.path, i)] = own
            obj = objects.get((src.path, i), own) if (objects is not None and variant) else own
            per_kind[u.kind] = per_kind.get(u.kind, 0) + 1
            if per_kind[u.kind] > MAX_PER_FILE_KIND:
                stats.capped += 1
                continue
            text = u.oracle.strip("\n")
            if u.status not in (CONVERTED, CAVEATS) or "MIGRATION TODO" in text or not text.strip():
                stats.marked += 1
                continue
            if not u.source.strip() or u.kind in ("unknown",):
                continue
            if _validation_errors(text, u.setup):
                stats.invalid += 1
                continue
            stats.kept += 1
            rules = sorted({e.rule for e in u.events})
            answer = _RULE_NOTE.sub("-- MIGRATION NOTE [MODEL]:", text)
            records.append({
                "id": f"rules:{label}:{src.path}#{i}{variant}", "source": "rules" if not variant else "augmented",
                "category": KIND_CATEGORY.get(u.kind, "scripts"), "object": obj,
                "tsql": u.source.strip("\n"), "oracle": answer, "rules": rules,
                "context": context_for(u.source, project).to_dict(),
                "setup": list(u.setup.values()),
            })
    return records


def rule_pairs(root: str | Path, *, config: Config | None = None, stats: RuleStats | None = None,
               augment: int = 0, seed: int = 0) -> list[dict]:
    """Pairs from one T-SQL tree, plus ``augment`` renamed copies of the whole tree."""
    label = Path(root).name
    sources = load_sources(root)
    objects: dict = {}
    records = pairs_from_sources(sources, label=label, config=config, stats=stats, objects=objects)
    rng = random.Random(seed)
    for k in range(augment):
        renamed, mapping = rename_sources(sources, rng)
        if not mapping:
            break
        records += pairs_from_sources(renamed, label=label, config=config, stats=RuleStats(),
                                      variant=f"~r{k + 1}", objects=objects)
    return records


# --- identifier-renaming augmentation -------------------------------------------------

_NOUNS = """Account Address Agent Asset Batch Branch Budget Carrier Category Channel Claim Client Contract
Course Currency Delivery Device Discount Document Event Expense Facility Fleet Grade Holiday Incident Invoice
Journal Ledger License Location Member Message Meter Module Parcel Partner Patient Payment Permit Plan
Policy Portfolio Project Quote Rating Receipt Region Reservation Route Schedule Season Segment Sensor
Shipment Site Skill Station Subscriber Supplier Survey Task Team Tenant Ticket Trip Unit Vehicle Vendor
Visit Voucher Warehouse Zone""".split()
_SUFFIXES = "Id Name Code Date Amount Qty Status Note Count Total Flag Type Ref Level Price Score".split()


def _new_name(rng: random.Random, used: set[str], shape: str) -> str:
    for _ in range(1000):
        if shape == "table":
            name = rng.choice(_NOUNS) + rng.choice(["", "s", "Log", "Item", "History"])
        else:
            name = rng.choice(_NOUNS) + rng.choice(_SUFFIXES)
        if name.casefold() not in used:
            used.add(name.casefold())
            return name
    raise RuntimeError("name pool exhausted")


def rename_sources(sources: list[SourceFile], rng: random.Random) -> tuple[list[SourceFile], dict[str, str]]:
    """The same project with its tables, columns and variables renamed consistently.

    Only tokens are rewritten (strings and comments stay as they are); a name is renamed
    wherever it occurs as an identifier, so references stay consistent across files."""
    from migrator.frontend.dialect import tokenize
    from migrator.pipeline import catalog_of

    tables: set[str] = set()
    columns: set[str] = set()
    routines: set[str] = set()
    for src in sources:
        cat = catalog_of(src)
        routines.update(r["name"].casefold() for r in cat.routines.values())
        for t in cat.tables.values():
            tables.add(t["name"].casefold())
            columns.update(c["name"].casefold() for c in t.get("columns", {}).values())
    used = tables | columns | routines
    mapping: dict[str, str] = {}
    for t in sorted(tables):
        mapping[t] = _new_name(rng, used, "table")
    for r in sorted(routines - tables):
        mapping[r] = rng.choice(["Get", "Save", "Load", "Check", "Update", "List"]) + _new_name(rng, used, "table")
    for c in sorted(columns - tables):
        if rng.random() < 0.7:
            mapping[c] = _new_name(rng, used, "column")
    variables: dict[str, str] = {}
    out = []
    for src in sources:
        try:
            tokens = tokenize(src.text)
        except Exception:  # noqa: BLE001 - leave a file the tokenizer rejects as it is
            out.append(src)
            continue
        pieces, pos = [], 0
        for i, t in enumerate(tokens):
            if t.token_type not in (TokenType.VAR, TokenType.IDENTIFIER):
                continue
            prev = tokens[i - 1] if i else None
            key = t.text.casefold()
            if prev is not None and prev.token_type == TokenType.PARAMETER and prev.end + 1 == t.start:
                if key not in variables:
                    variables[key] = _new_name(rng, used, "column")
                new = variables[key]
            elif key in mapping and not (prev is not None and prev.token_type == TokenType.HASH):
                new = mapping[key]
            else:
                continue
            raw = src.text[t.start:t.end + 1]
            if raw.startswith("["):
                new = f"[{new}]"
            elif raw.startswith('"'):
                new = f'"{new}"'
            pieces.append(src.text[pos:t.start])
            pieces.append(new)
            pos = t.end + 1
        pieces.append(src.text[pos:])
        out.append(SourceFile.from_text(src.path, "".join(pieces)))
    return out, {**mapping, **{"@" + k: "@" + v for k, v in variables.items()}}


# --- self-repair pairs ---------------------------------------------------------------

# (name, pattern, replacement): typical mistakes a model makes when writing PL/SQL from T-SQL
CORRUPTIONS: list[tuple[str, str, str]] = [
    ("assign-eq", r"(\b[vp]_\w+)\s*:=", r"\1 ="),
    ("end-if", r"\bEND IF;", "END;"),
    ("nvl-isnull", r"\bNVL\(", "ISNULL("),
    ("sysdate-getdate", r"\bSYSTIMESTAMP\b|\bSYSDATE\b", "GETDATE()"),
    ("fetch-first-top", r"\bSELECT\b(.*?)\bFETCH FIRST (\d+) ROWS ONLY", r"SELECT TOP \2 \1"),
    ("length-len", r"\bLENGTH\(", "LEN("),
    ("concat-plus", r"\|\|", "+"),
    ("end-loop", r"\bEND LOOP;", "END;"),
    ("elsif", r"\bELSIF\b", "ELSE IF"),
    ("missing-then", r"(\bIF\b[^;\n]*?)\s+THEN\b", r"\1"),
]


def repair_pairs(records: list[dict], rng: random.Random, per_record: int = 1, limit: int | None = None) -> list[dict]:
    """Self-repair pairs: (T-SQL, a wrong answer, its validation errors) -> the right answer.

    A corruption is kept only when the offline validator really rejects the corrupted text, so the
    errors in the prompt are the ones the inference repair loop would show."""
    out = []
    for rec in records:
        if limit is not None and len(out) >= limit:
            break
        choices = [c for c in CORRUPTIONS if re.search(c[1], rec["oracle"], re.S | re.I)]
        rng.shuffle(choices)
        made = 0
        for name, pattern, repl in choices:
            if made >= per_record:
                break
            wrong = re.sub(pattern, repl, rec["oracle"], count=1, flags=re.S | re.I)
            if wrong == rec["oracle"]:
                continue
            errors = _validation_errors(wrong, {})
            if not errors:
                continue
            made += 1
            out.append({**rec, "id": f"{rec['id']}~repair:{name}", "source": "repair",
                        "wrong": wrong, "errors": errors[:5]})
    return out
