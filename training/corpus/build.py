"""Build the training corpus: gather pairs, dedupe, split by object, chat format, manifest.

Sources, in priority order when two pairs have the same (normalised) T-SQL:
hand-written flashcards > HammerDB pairs > rule-generated pairs > their renamed copies.
Self-repair pairs are keyed by their wrong answer too. The output is deterministic: the same
inputs and options give byte-identical files (no timestamps), and ``dataset_version`` is the
sha256 of the three split files.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from migrator.model.prompt import PROMPT_VERSION, PromptContext, render_messages, template_sha256

SPLITS = ("train", "validation", "test")
PRIORITY = {"flashcard": 0, "hammerdb": 1, "rules": 2, "augmented": 3, "repair": 4}


@dataclass
class CorpusOptions:
    out: Path
    hammerdb: Path | None = None
    flashcards: Path | None = None          # None: the bundled corpus/flashcards
    tsql: list[Path] = field(default_factory=list)
    augment: int = 1                         # renamed copies of each T-SQL tree
    repair: bool = True                      # self-repair pairs
    repair_limit: int | None = None
    seed: int = 0
    ratios: tuple[float, float, float] = (0.8, 0.1, 0.1)
    no_flashcards: bool = False


def normalise(text: str) -> str:
    """Text compared for dedupe and exact match: comments kept, whitespace collapsed, case folded."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def split_of(obj: str, ratios: tuple[float, float, float], seed: int = 0) -> str:
    """Deterministic split of a source object (every pair of an object lands in the same split)."""
    h = int(hashlib.sha256(f"{seed}:{obj}".encode("utf-8")).hexdigest()[:12], 16) / float(1 << 48)
    if h < ratios[0]:
        return "train"
    if h < ratios[0] + ratios[1]:
        return "validation"
    return "test"


def dedupe(records: list[dict]) -> tuple[list[dict], int]:
    best: dict[str, dict] = {}
    for rec in sorted(records, key=lambda r: (PRIORITY.get(r["source"], 9), r["id"])):
        key = normalise(rec["tsql"])
        if rec["source"] == "repair":
            key += "\x00" + normalise(rec.get("wrong", ""))
        best.setdefault(key, rec)
    kept = sorted(best.values(), key=lambda r: r["id"])
    return kept, len(records) - len(kept)


def to_messages(rec: dict) -> list[dict]:
    ctx = PromptContext.from_dict(rec.get("context"))
    if rec["source"] == "repair":
        return render_messages(rec["tsql"], ctx, previous=rec["wrong"], errors=rec["errors"], answer=rec["oracle"])
    return render_messages(rec["tsql"], ctx, answer=rec["oracle"])


# --- flashcard context: the Oracle tables of corpus/flashcards/schema.sql they use -----------

_CREATE_TABLE = re.compile(r"CREATE\s+(?:GLOBAL\s+TEMPORARY\s+)?TABLE\s+([\w$#]+)\s*\((.*?)\)\s*(?:ON\s+COMMIT[^;]*)?;",
                           re.I | re.S)


def schema_lines(schema_sql: str) -> dict[str, str]:
    """TABLE NAME -> one-line context entry, from Oracle CREATE TABLE statements."""
    out = {}
    for m in _CREATE_TABLE.finditer(re.sub(r"--[^\n]*", "", schema_sql)):
        body = " ".join(m.group(2).split())
        out[m.group(1).upper()] = f"TABLE {m.group(1).upper()} ({body})"
    return out


def _tables_used(tsql: str, lines: dict[str, str]) -> list[str]:
    words = {w.upper() for w in re.findall(r"[A-Za-z_][\w$#]*", tsql)}
    return [line for name, line in lines.items() if name in words]


def flashcard_records(directory: Path | None) -> list[dict]:
    from training.corpus.flashcards import DEFAULT_DIR, SCHEMA_FILE, load_cards

    directory = Path(directory or DEFAULT_DIR)
    schema = directory / SCHEMA_FILE
    lines = schema_lines(schema.read_text(encoding="utf-8")) if schema.exists() else {}
    out = []
    for card in load_cards(directory):
        rec = card.to_record()
        rec["context"] = PromptContext(tables=_tables_used(card.tsql, lines)).to_dict()
        out.append(rec)
    return out


def hammerdb_records(checkout: Path) -> list[dict]:
    """HammerDB pairs with context from the HammerDB T-SQL schema (built as one project)."""
    from migrator.config import Config
    from migrator.model.context import context_for
    from migrator.pipeline import build_project
    from migrator.source import SourceFile
    from training.corpus.hammerdb import extract

    records = extract(checkout)
    ddl = [SourceFile.from_text(f"{r['id']}.sql", r["tsql"]) for r in records if r["category"] == "ddl"]
    project = build_project(ddl, Config()) if ddl else None
    for r in records:
        r.setdefault("source", "hammerdb")
        if project is not None and "context" not in r:
            r["context"] = context_for(r["tsql"], project).to_dict()
    return records


# --- build -------------------------------------------------------------------------

def tool_version() -> str:
    try:
        from importlib.metadata import version

        return version("tsql2oracle-migrate")
    except Exception:  # noqa: BLE001
        return "unknown"


def build_corpus(opts: CorpusOptions, log=print) -> dict:
    from training.corpus.rulepairs import RuleStats, repair_pairs, rule_pairs

    records: list[dict] = []
    inputs: dict = {}
    if not opts.no_flashcards:
        cards = flashcard_records(opts.flashcards)
        records += cards
        inputs["flashcards"] = len(cards)
        log(f"flashcards: {len(cards)} pairs")
    if opts.hammerdb:
        hdb = hammerdb_records(opts.hammerdb)
        records += hdb
        inputs["hammerdb"] = len(hdb)
        log(f"hammerdb: {len(hdb)} pairs from {opts.hammerdb}")
    rule_stats = {}
    for root in opts.tsql:
        st = RuleStats()
        recs = rule_pairs(root, stats=st, augment=opts.augment, seed=opts.seed)
        rule_stats[Path(root).name] = st.to_dict()
        records += recs
        log(f"rules over {root}: {st.units} units, {st.kept} kept, {st.marked} marked, {st.invalid} invalid; "
            f"{sum(1 for r in recs if r['source'] == 'augmented')} renamed copies")
    if opts.repair:
        base = [r for r in records if r["source"] in ("flashcard", "rules")]
        rep = repair_pairs(base, random.Random(opts.seed), limit=opts.repair_limit)
        records += rep
        log(f"self-repair pairs: {len(rep)}")
    kept, removed = dedupe(records)
    by_split: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for rec in kept:
        rec = dict(rec)
        rec["split"] = split_of(rec["object"], opts.ratios, opts.seed)
        rec["messages"] = to_messages(rec)
        by_split[rec["split"]].append(rec)
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for s in SPLITS:
        text = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in by_split[s])
        digest.update(s.encode() + b"\x00" + text.encode("utf-8"))
        _atomic(out / f"{s}.jsonl", text)
    counts = {
        "total": len(kept), "duplicates_removed": removed,
        "by_source": dict(sorted(Counter(r["source"] for r in kept).items())),
        "by_category": dict(sorted(Counter(r["category"] for r in kept).items())),
        "by_split": {s: len(by_split[s]) for s in SPLITS},
        "by_split_source": {s: dict(sorted(Counter(r["source"] for r in by_split[s]).items())) for s in SPLITS},
    }
    objects = {s: {r["object"] for r in by_split[s]} for s in SPLITS}
    assert not (objects["train"] & objects["test"] or objects["train"] & objects["validation"]
                or objects["validation"] & objects["test"]), "object leaked across splits"
    manifest = {
        "dataset_version": digest.hexdigest(), "prompt_version": PROMPT_VERSION,
        "prompt_template_sha256": template_sha256(), "tool_version": tool_version(),
        "options": {"augment": opts.augment, "repair": opts.repair, "seed": opts.seed,
                    "ratios": list(opts.ratios), "hammerdb": bool(opts.hammerdb),
                    "tsql": [Path(p).name for p in opts.tsql], "flashcards": not opts.no_flashcards},
        "inputs": inputs, "rule_stats": rule_stats, "counts": counts,
    }
    _atomic(out / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _atomic(path: Path, text: str) -> None:
    from migrator.pipeline import atomic_write

    atomic_write(str(path), text)
