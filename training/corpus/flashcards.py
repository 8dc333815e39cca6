"""Hand-written T-SQL -> Oracle flashcards (``corpus/flashcards/*.yaml``).

A file::

    category: cursors            # default category of its cards
    cards:
      - id: cursor-fetch-loop    # unique across all files
        category: cursors        # optional override
        rules: [TS0640]          # rule ids the card exercises (optional)
        tsql: |
          ...
        oracle: |
          ...
        setup: |                 # optional Oracle DDL the answer relies on (GTTs, object types)
        note: ...                # optional

Every card's ``setup`` + ``oracle`` must pass the offline validator (``migrator.validate``)
together with ``corpus/flashcards/schema.sql`` (the Oracle tables the cards use); the test
``tests/test_flashcards.py`` checks that.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "corpus" / "flashcards"
SCHEMA_FILE = "schema.sql"

# category -> rule-id prefix of the catalogue range it belongs to
CATEGORIES: dict[str, str] = {
    "names": "TS00", "scripts": "TS00",
    "ddl": "TS01", "types": "TS01",
    "expressions": "TS02", "strings": "TS02", "dates": "TS02", "functions": "TS02",
    "queries": "TS04", "dml": "TS04", "merge": "TS04", "pivot": "TS04", "for_xml": "TS04",
    "procedures": "TS06", "control_flow": "TS06", "variables": "TS06", "errors": "TS06",
    "transactions": "TS06", "cursors": "TS06", "dynamic_sql": "TS06", "temp_tables": "TS06",
    "result_sets": "TS06", "triggers": "TS06", "udf": "TS06", "calls": "TS06",
}

# the hard constructs the issue names: each needs at least HARD_MIN cards
HARD = ("dynamic_sql", "cursors", "errors", "triggers", "temp_tables", "for_xml", "pivot", "merge",
        "result_sets")
HARD_MIN = 5


@dataclass
class Card:
    id: str
    category: str
    tsql: str
    oracle: str
    rules: tuple[str, ...] = ()
    setup: str = ""
    note: str = ""
    file: str = ""

    def to_record(self) -> dict:
        return {"id": f"flashcard:{self.id}", "source": "flashcard", "category": self.category,
                "object": f"flashcard:{self.id}", "tsql": self.tsql.strip("\n"),
                "oracle": self.oracle.strip("\n"), "rules": list(self.rules), "file": self.file}


class CardError(ValueError):
    pass


def load_cards(directory: Path | str = DEFAULT_DIR) -> list[Card]:
    directory = Path(directory)
    cards: list[Card] = []
    seen: set[str] = set()
    for f in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        default = data.get("category")
        for i, raw in enumerate(data.get("cards") or []):
            where = f"{f.name} card {i + 1}"
            if not isinstance(raw, dict):
                raise CardError(f"{where}: not a mapping")
            unknown = set(raw) - {"id", "category", "rules", "tsql", "oracle", "setup", "note"}
            if unknown:
                raise CardError(f"{where}: unknown keys {sorted(unknown)}")
            cid = str(raw.get("id") or "")
            if not cid:
                raise CardError(f"{where}: no id")
            if cid in seen:
                raise CardError(f"{where}: duplicate id {cid}")
            seen.add(cid)
            cat = raw.get("category") or default
            if cat not in CATEGORIES:
                raise CardError(f"{where} ({cid}): unknown category {cat!r}")
            tsql, oracle = raw.get("tsql"), raw.get("oracle")
            if not (isinstance(tsql, str) and tsql.strip() and isinstance(oracle, str) and oracle.strip()):
                raise CardError(f"{where} ({cid}): tsql and oracle must be non-empty strings")
            cards.append(Card(id=cid, category=cat, tsql=tsql, oracle=oracle,
                              rules=tuple(raw.get("rules") or ()), setup=raw.get("setup") or "",
                              note=raw.get("note") or "", file=f.name))
    return cards


def card_findings(card: Card, directory: Path | str = DEFAULT_DIR):
    """Offline-validator findings for one card (schema + setup + oracle validated together)."""
    from migrator.validate.validator import Validator

    directory = Path(directory)
    v = Validator()
    schema = directory / SCHEMA_FILE
    if schema.exists():
        v.add_file(str(schema), schema.read_text(encoding="utf-8"))
    if card.setup.strip():
        v.add_file(f"{card.id}.setup.sql", card.setup)
    v.add_file(f"{card.id}.sql", card.oracle)
    return [f for f in v.run() if f.path != str(schema)]
