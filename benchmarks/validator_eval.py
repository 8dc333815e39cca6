"""How good is the offline validator? Prints two measurements and one JSON line.

    python benchmarks/validator_eval.py [--plsql ../shared/corpus/plsql] [--tsql ../shared/corpus/tsql]

1. False positives: files of real, valid Oracle code (the shared PL/SQL corpus) on which our
   validator reports at least one error.
2. Agreement with the shared grammar judge on our own conversion of the T-SQL corpus: for
   every output file the judge rejects, do we reject it too? And which files do only we reject?
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
sys.path.insert(0, ROOT)


def _errors_by_file(root: str) -> dict[str, list[dict]]:
    from migrator.checking import check_offline, script_files

    files = script_files(root)
    out: dict[str, list[dict]] = {rel: [] for rel, _ in files}
    for f in check_offline(files):
        if f["severity"] == "error":
            out.setdefault(f["path"], []).append(f)
    return out


def _judge(paths: list[str]) -> dict[str, dict]:
    cache = subprocess.run([os.path.join(SHARED, "tools", "judge", "ensure.sh")], capture_output=True,
                           text=True).stdout.strip()
    verdicts = {}
    for i in range(0, len(paths), 300):
        res = subprocess.run(["node", os.path.join(cache, "judge.js"), "plsql", *paths[i:i + 300]],
                             capture_output=True, text=True)
        for line in res.stdout.splitlines():
            row = json.loads(line)
            verdicts[row["file"]] = row
    return verdicts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--plsql", default=os.path.join(SHARED, "corpus", "plsql"))
    ap.add_argument("--tsql", default=os.path.join(SHARED, "corpus", "tsql"))
    a = ap.parse_args()

    fp = _errors_by_file(a.plsql)
    fp_files = {k: v for k, v in fp.items() if v}
    print(f"false positives: {len(fp_files)} of {len(fp)} valid Oracle files get an error")
    for path, errs in sorted(fp_files.items()):
        print(f"  {path}: {errs[0]['code']} {errs[0]['message'][:90]}")

    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "migrator", "convert", a.tsql, "-o", out, "--no-cache", "-q",
                        "--no-progress"], cwd=ROOT, capture_output=True)
        ours = _errors_by_file(out)
        paths = [os.path.join(out, rel) for rel in sorted(ours)]
        judged = _judge(paths)
        judge_bad = {os.path.relpath(p, out) for p, v in judged.items() if not v["ok"]}
        ours_bad = {rel for rel, errs in ours.items() if errs}
        both = judge_bad & ours_bad
        print(f"judge rejects {len(judge_bad)} of {len(paths)} converted files; we reject {len(both)} of those")
        for rel in sorted(judge_bad - ours_bad):
            err = judged[os.path.join(out, rel)]["errors"][:1]
            print(f"  judge only: {rel}: {err[0][:100] if err else ''}")
        for rel in sorted(ours_bad - judge_bad):
            e = ours[rel][0]
            print(f"  ours only:  {rel}:{e['line']}: {e['code']} {e['message'][:80]}")
    print(json.dumps({"plsql_files": len(fp), "false_positive_files": len(fp_files),
                      "converted_files": len(paths), "judge_rejects": len(judge_bad), "both_reject": len(both),
                      "judge_only": len(judge_bad - ours_bad), "ours_only": len(ours_bad - judge_bad)}))


if __name__ == "__main__":
    main()
