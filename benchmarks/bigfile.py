"""Convert a generated ~10 MB T-SQL file and print time, peak memory and statuses.

    python benchmarks/bigfile.py [--mb 10] [--go-every 4]

The file is a realistic data script: CREATE TABLE, then INSERT statements, with a GO line
every N statements (0: none, one huge batch).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=10)
    ap.add_argument("--go-every", type=int, default=4)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "src")
        os.makedirs(src)
        path = os.path.join(src, "big.sql")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("CREATE TABLE dbo.Big (id INT NOT NULL PRIMARY KEY, name NVARCHAR(100), amount MONEY)\nGO\n")
            i = 0
            while fh.tell() < a.mb * 1024 * 1024:
                i += 1
                fh.write(f"INSERT INTO dbo.Big (id, name, amount) VALUES ({i}, N'name {i} O''Brien', {i}.25)\n")
                if a.go_every and i % a.go_every == 0:
                    fh.write("GO\n")
        size = os.path.getsize(path)
        out = os.path.join(tmp, "out")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "migrator", "convert", src, "-o", out, "--no-cache", "-q",
                               "--no-progress"], capture_output=True, text=True)
        secs = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        report = json.load(open(os.path.join(out, "migration-report.json")))
        print(json.dumps({"bytes": size, "statements": i + 1, "seconds": round(secs, 1), "peak_rss_mb": peak,
                          "exit": proc.returncode, "units": report["summary"]["units"]}))


if __name__ == "__main__":
    main()
