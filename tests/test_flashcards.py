"""The hand-written flashcards: schema, coverage, and every answer passes the offline validator."""

from collections import Counter

import pytest

from migrator.rulebook import RULES, load_rules
from training.corpus.flashcards import CATEGORIES, HARD, HARD_MIN, card_findings, load_cards

CARDS = load_cards()


def test_enough_cards():
    assert len(CARDS) >= 150


def test_every_rule_category_and_hard_construct_is_covered():
    cats = Counter(c.category for c in CARDS)
    prefixes = {CATEGORIES[c] for c in cats}
    assert prefixes >= {"TS00", "TS01", "TS02", "TS04", "TS06"}
    for hard in HARD:
        assert cats[hard] >= HARD_MIN, (hard, cats[hard])


def test_rule_ids_exist():
    load_rules()
    for c in CARDS:
        for r in c.rules:
            assert r in RULES, (c.id, r)


@pytest.mark.parametrize("card", CARDS, ids=[c.id for c in CARDS])
def test_card_answer_is_valid_oracle(card):
    errors = [f.human() for f in card_findings(card) if f.severity == "error"]
    assert not errors, "\n".join(errors)
