"""Finding formats: SARIF validates against the OASIS 2.1.0 schema; JUnit and GitHub shapes."""

import json
import os
import xml.etree.ElementTree as ET

import jsonschema
import pytest

from migrator import formats

FINDINGS = [
    {"path": "procs/p.sql", "unit": "P", "code": "PLS-00201", "message": "identifier 'GETDATE' must be declared",
     "severity": "error", "line": 3, "col": 10, "end_line": 3, "end_col": 17},
    {"path": "procs/p.sql", "unit": "P", "code": "TS0260", "message": "string + : NULL, note", "severity": "warning",
     "line": 5, "col": 1, "end_line": None, "end_col": None},
    {"path": "views/v.sql", "unit": "V", "code": "ORA-00942", "message": "table or view does not exist",
     "severity": "error", "line": 1, "col": 20, "end_line": 1, "end_col": 24},
]
FILES = ["procs/p.sql", "views/v.sql", "tables/t.sql"]
SCHEMA = os.path.join(os.path.dirname(__file__), "data", "sarif-schema-2.1.0.json")


def test_sarif_validates_against_the_2_1_0_schema():
    log = json.loads(formats.sarif(FINDINGS, FILES, {"PLS-00201": "identifier must be declared"}))
    with open(SCHEMA, encoding="utf-8") as fh:
        schema = json.load(fh)
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["ORA-00942", "PLS-00201", "TS0260"]
    first = run["results"][0]
    assert first["ruleId"] == "PLS-00201" and first["level"] == "error"
    loc = first["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "procs/p.sql"  # repo-relative
    assert loc["region"] == {"startLine": 3, "startColumn": 10, "endLine": 3, "endColumn": 17}


def test_sarif_with_no_findings_is_valid():
    with open(SCHEMA, encoding="utf-8") as fh:
        jsonschema.validate(json.loads(formats.sarif([], FILES)), json.load(fh))


def test_junit_one_suite_per_file_one_case_per_unit():
    xml = formats.junit(FINDINGS, FILES, units={"procs/p.sql": ["P", "Q"], "tables/t.sql": ["T"]})
    root = ET.fromstring(xml)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == FILES
    p = suites[0]
    assert p.get("tests") == "2" and p.get("failures") == "1"
    cases = {c.get("name"): c for c in p.findall("testcase")}
    assert cases["P"].find("failure").get("type") == "PLS-00201"
    assert cases["Q"].find("failure") is None
    assert suites[2].find("testcase").get("name") == "T"


def test_github_annotations():
    text = formats.github(FINDINGS, FILES)
    assert text.splitlines()[0] == ("::error file=procs/p.sql,line=3,col=10,endLine=3,endColumn=17,"
                                    "title=PLS-00201::identifier 'GETDATE' must be declared")
    assert text.splitlines()[1].startswith("::warning file=procs/p.sql,line=5,col=1,title=TS0260::")


def test_human_and_json():
    assert "procs/p.sql:3:10: error PLS-00201" in formats.human(FINDINGS, FILES)
    assert json.loads(formats.to_json(FINDINGS, FILES))["findings"][2]["code"] == "ORA-00942"
    with pytest.raises(ValueError):
        formats.render("xml", FINDINGS, FILES)
