"""Every rule's YAML fixtures, T-SQL in → exact Oracle out, run through the whole pipeline.

Fixture file: rules/fixtures/<RULE-ID>.yaml ::

    rule: TS0100
    cases:
      - name: ints
        tsql: "CREATE TABLE t (a int)"
        oracle: |
          CREATE TABLE T (
            A NUMBER(10)
          );
        events: [TS0100]        # optional: these rule ids must appear in the unit events
        status: converted       # optional: converted | caveats | marked | failed (all units)
        context: ["CREATE TABLE ..."]  # optional: other project files for the catalog
        config: {guid: varchar36}      # optional
        setup: |                       # optional: setup-script DDL the file needs, in key order
          CREATE GLOBAL TEMPORARY TABLE ...
"""

import glob
import os

import pytest
import yaml

from migrator.api import convert_text
from migrator.config import Config
from migrator.rulebook import load_rules

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = sorted(glob.glob(os.path.join(HERE, "rules", "fixtures", "*.yaml")))


def _cases():
    for path in FIXTURES:
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh)
        for i, case in enumerate(doc["cases"]):
            yield pytest.param(doc["rule"], case, id=f"{doc['rule']}-{case.get('name', i)}")


@pytest.mark.parametrize("rule,case", list(_cases()))
def test_fixture(rule, case):
    cfg = Config(**case.get("config", {}))
    res = convert_text(case["tsql"], config=cfg, context=case.get("context"))
    assert res.output.strip() == case["oracle"].strip()
    events = {e.rule for u in res.units for e in u.events}
    for rid in case.get("events", []):
        assert rid in events, f"{rid} not reported; got {sorted(events)}"
    if "status" in case:
        assert {u.status for u in res.units} == {case["status"]}
    if "setup" in case:  # optional: the setup-script DDL (global temporary tables, types), in key order
        setup = res.setup
        assert "\n\n".join(setup[k].strip() for k in sorted(setup)) == case["setup"].strip()


def test_every_rule_has_fixtures():
    rules = load_rules()
    have = {os.path.basename(p)[:-5] for p in FIXTURES}
    missing = sorted(rid for rid in rules if rid not in have)
    assert not missing, f"rules without fixtures: {missing}"


def test_every_fixture_names_a_rule():
    rules = load_rules()
    for path in FIXTURES:
        with open(path, encoding="utf-8") as fh:
            assert yaml.safe_load(fh)["rule"] in rules, path
