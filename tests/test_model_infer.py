"""The inference core: batching, guardrail, candidates, repair turn, cache, log.

The backend here is a scripted fake (a Backend subclass answering from a table): what is under
test is the loop around it, not a model.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from migrator.model.backends import Backend, ModelConfig
from migrator.model.cache import ModelCache
from migrator.model.infer import Attempt, Unit, choose, normalise, translate
from migrator.model.prompt import PromptContext

TSQL_A = "UPDATE dbo.Orders SET Status = 'X' WHERE OrderId = 1"
GOOD_A = "UPDATE ORDERS SET STATUS = 'X' WHERE ORDERID = 1;"
TSQL_B = "DELETE FROM dbo.Orders WHERE OrderId = 2"
GOOD_B = "DELETE FROM ORDERS WHERE ORDERID = 2;"
TSQL_C = "SELECT TOP 1 OrderId FROM dbo.Orders"
GOOD_C = "SELECT ORDERID FROM ORDERS FETCH FIRST 1 ROWS ONLY;"
KNOWN = frozenset({"ORDERS", "ORDERID", "STATUS"})


class ScriptedBackend(Backend):
    """Answers each prompt from ``script``: T-SQL text -> list of answers; a repair prompt (it quotes
    the previous answer) takes its answers from ``repairs``."""

    def __init__(self, script: dict[str, list[str]], repairs: dict[str, list[str]] | None = None,
                 config: ModelConfig | None = None):
        super().__init__(config or ModelConfig(backend="fake", model="scripted"))
        self.script, self.repairs = script, repairs or {}
        self.calls: list[tuple[list[list[dict]], int]] = []

    def generate(self, prompts, n=1):
        self.calls.append((prompts, n))
        out = []
        for p in prompts:
            user = p[-1]["content"]
            table = self.repairs if "Your previous answer:" in user else self.script
            tsql = next(k for k in table if k in user)
            answers = table[tsql]
            out.append([answers[i % len(answers)] for i in range(n)])
        return out


def unit(key, tsql):
    return Unit(key=key, tsql=tsql, known_names=KNOWN)


def test_all_first_attempts_go_in_one_call_and_failures_in_one_repair_call():
    backend = ScriptedBackend({TSQL_A: [GOOD_A], TSQL_B: ["DROP TABLE ORDERS;"], TSQL_C: ["SELECT TOP 1 x"]},
                              repairs={TSQL_B: [GOOD_B], TSQL_C: [GOOD_C]})
    answers = translate(backend, [unit("a", TSQL_A), unit("b", TSQL_B), unit("c", TSQL_C)])
    assert len(backend.calls) == 2
    first, second = backend.calls
    assert len(first[0]) == 3 and first[1] == 1
    assert len(second[0]) == 2                      # only the two failures are repaired
    repair_user = second[0][0][-1]["content"]
    assert "Your previous answer:\nDROP TABLE ORDERS;" in repair_user
    assert "adds DROP TABLE" in repair_user         # the guardrail's reasons are in the prompt
    assert [a.key for a in answers] == ["a", "b", "c"]
    assert [a.text for a in answers] == [GOOD_A, GOOD_B, GOOD_C]
    assert [len(a.attempts) for a in answers] == [1, 2, 2]
    assert [x.repair for x in answers[1].attempts] == [False, True]
    assert answers[1].attempts[0].ok is False and answers[1].attempts[1].ok is True
    assert answers[0].model_id == "fake:scripted"


def test_a_unit_that_fails_twice_has_no_text():
    backend = ScriptedBackend({TSQL_A: ["Sorry, I cannot help with that."]},
                              repairs={TSQL_A: ["TRUNCATE TABLE ORDERS;"]})
    (ans,) = translate(backend, [unit("a", TSQL_A)])
    assert ans.text is None and not ans.ok
    assert "empty" in ans.attempts[0].reasons[0]
    assert any("adds TRUNCATE" in r for r in ans.attempts[1].reasons)


def test_no_repair_turn_when_disabled():
    backend = ScriptedBackend({TSQL_A: ["DROP TABLE ORDERS;"]}, repairs={TSQL_A: [GOOD_A]})
    (ans,) = translate(backend, [unit("a", TSQL_A)], repair=False)
    assert ans.text is None and len(backend.calls) == 1


def test_candidates_keep_the_most_frequent_passing_form():
    variant = "update orders\n   set status = 'X'\n where orderid = 1;  -- same thing"
    other = "UPDATE ORDERS SET STATUS = 'X' WHERE ORDERID = 1 AND 1 = 1;"
    backend = ScriptedBackend({TSQL_A: ["DROP TABLE ORDERS;", other, GOOD_A, variant]})
    (ans,) = translate(backend, [unit("a", TSQL_A)], candidates=4)
    assert backend.calls[0][1] == 4 and len(backend.calls) == 1
    assert ans.text == GOOD_A                        # GOOD_A and variant normalise alike: 2 votes
    assert [a.ok for a in ans.attempts] == [False, True, True, True]


def test_candidate_ties_go_to_the_first_passing():
    other = "UPDATE ORDERS SET STATUS = 'X' WHERE ORDERID = 1 AND 1 = 1;"
    backend = ScriptedBackend({TSQL_A: ["GRANT SELECT ON ORDERS TO PUBLIC;", other, GOOD_A]})
    (ans,) = translate(backend, [unit("a", TSQL_A)], candidates=3)
    assert ans.text == other


def test_normalise_and_choose():
    assert normalise("select  a -- c\nfrom dual") == normalise("SELECT a FROM DUAL")
    assert normalise("SELECT 'a' FROM DUAL") != normalise("SELECT 'A' FROM DUAL")
    a1, a2 = Attempt("SELECT 1 FROM DUAL;", True, []), Attempt("select 1 from dual;", True, [])
    a3 = Attempt("SELECT 2 FROM DUAL;", True, [])
    assert choose([a3, a1, a2]) is a1
    assert choose([Attempt("x", False, ["bad"])]) is None


def test_extra_validation_rejects_and_runs_once_per_form():
    seen = []

    def oracle(code):
        seen.append(code)
        return ["ORA-00942: table or view does not exist"] if "'X'" in code else []

    twin = "update orders set status = 'X'\nwhere orderid = 1;"
    backend = ScriptedBackend({TSQL_A: [GOOD_A, twin]},
                              repairs={TSQL_A: ["UPDATE ORDERS SET STATUS = 'Y' WHERE ORDERID = 1;"]})
    (ans,) = translate(backend, [unit("a", TSQL_A)], candidates=2, validate=oracle)
    assert len(seen) == 2      # round 1: one form (the twin normalises alike); repair: one
    assert ans.attempts[0].reasons == ["ORA-00942: table or view does not exist"]
    assert "ORA-00942" in backend.calls[1][0][0][-1]["content"]
    assert ans.text == "UPDATE ORDERS SET STATUS = 'Y' WHERE ORDERID = 1;"


def test_a_crashing_validator_rejects():
    def broken(code):
        raise RuntimeError("connection lost")

    backend = ScriptedBackend({TSQL_A: [GOOD_A]})
    (ans,) = translate(backend, [unit("a", TSQL_A)], validate=broken, repair=False)
    assert ans.text is None
    assert ans.attempts[0].reasons == ["validation failed: RuntimeError: connection lost"]


def test_every_attempt_is_logged():
    entries = []
    backend = ScriptedBackend({TSQL_A: ["DROP TABLE ORDERS;", GOOD_A]}, repairs={TSQL_A: [GOOD_A]})
    translate(backend, [unit("a", TSQL_A)], candidates=2, log=entries.append)
    assert len(entries) == 2
    assert [e["chosen"] for e in entries] == [False, True]
    assert entries[0]["ok"] is False and "adds DROP TABLE" in entries[0]["reasons"][0]
    assert entries[1]["text"] == GOOD_A and entries[1]["raw"] == GOOD_A
    assert {"unit", "model", "prompt_key", "repair", "candidate", "from_cache"} <= set(entries[0])
    json.dumps(entries)                                # the lead writes them as JSONL


def test_the_cache_answers_a_second_run(tmp_path):
    cache = ModelCache(tmp_path / "model")
    script = {TSQL_A: [GOOD_A], TSQL_B: ["DROP TABLE ORDERS;"]}
    repairs = {TSQL_B: [GOOD_B]}
    first = translate(ScriptedBackend(script, repairs), [unit("a", TSQL_A), unit("b", TSQL_B)], cache=cache)
    assert not any(a.from_cache for a in first)
    assert len(list((tmp_path / "model").rglob("*.json"))) == 3   # 2 first prompts + 1 repair prompt
    again = ScriptedBackend({}, {})
    second = translate(again, [unit("a", TSQL_A), unit("b", TSQL_B)], cache=cache)
    assert again.calls == []
    assert [a.text for a in second] == [GOOD_A, GOOD_B]
    assert all(a.from_cache for a in second)
    # other sampling parameters are another key
    third = ScriptedBackend(script, repairs)
    translate(third, [unit("a", TSQL_A)], cache=cache, candidates=2)
    assert len(third.calls) == 1


def test_identical_units_are_generated_once():
    backend = ScriptedBackend({TSQL_A: [GOOD_A]})
    answers = translate(backend, [unit("a1", TSQL_A), unit("a2", TSQL_A)])
    assert len(backend.calls[0][0]) == 1
    assert [a.text for a in answers] == [GOOD_A, GOOD_A]


def test_backend_errors_per_prompt_become_reasons_and_are_not_cached(tmp_path):
    class HalfBroken(ScriptedBackend):
        def generate(self, prompts, n=1):
            out = super().generate(prompts, n)
            self.last_errors = {0: "HTTP 503 from server"}
            out[0] = []
            return out

    cache = ModelCache(tmp_path)
    backend = HalfBroken({TSQL_A: [GOOD_A], TSQL_B: [GOOD_B]}, repairs={TSQL_A: [GOOD_A]})
    answers = translate(backend, [unit("a", TSQL_A), unit("b", TSQL_B)], cache=cache, repair=False)
    assert answers[0].text is None and answers[0].attempts[0].reasons == ["backend: HTTP 503 from server"]
    assert answers[1].text == GOOD_B
    assert len(list(tmp_path.rglob("*.json"))) == 1


def test_context_names_reach_the_guardrail():
    tsql = "CREATE PROCEDURE dbo.usp_Touch AS UPDATE dbo.Orders SET Status = 'T'"
    answer = "CREATE OR REPLACE PROCEDURE TOUCH_ORDERS AS\nBEGIN\n  UPDATE ORDERS SET STATUS = 'T';\nEND;\n/"
    u = Unit("t", tsql, PromptContext(names=[("usp_Touch", "TOUCH_ORDERS")]), KNOWN)
    (ans,) = translate(ScriptedBackend({tsql: [answer]}), [u], repair=False)
    assert ans.text == answer
    (ans,) = translate(ScriptedBackend({tsql: [answer]}), [unit("t", tsql)], repair=False)
    assert ans.text is None


def test_cache_is_atomic_and_tolerates_damage(tmp_path):
    cache = ModelCache(tmp_path)
    key = "ab" * 32
    assert cache.get(key) is None
    cache.put(key, ["one", "two"], {"model": "m"})
    assert cache.get(key) == ["one", "two"]
    assert [p.name for p in tmp_path.rglob("*")] == ["ab", f"{key}.json"]   # no temporary file left
    cache.path(key).write_text("{not json", encoding="utf-8")
    assert cache.get(key) is None
    with pytest.raises(ValueError):
        cache.path("../../etc/passwd")


def test_no_heavy_imports():
    code = ("import sys\n"
            "import migrator.model.infer, migrator.model.guardrail, migrator.model.cache\n"
            "import migrator.model.backends.openai_backend, migrator.model.backends.vllm_backend\n"
            "import migrator.model.serve_stub\n"
            "heavy = [m for m in ('torch', 'transformers', 'peft', 'trl', 'vllm', 'openai') if m in sys.modules]\n"
            "print(heavy)\n"
            "assert not heavy, heavy\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
