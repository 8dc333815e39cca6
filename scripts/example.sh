#!/usr/bin/env bash
# Set up the project and convert the bundled example T-SQL project into out/example.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip install --quiet -e .
migrate convert corpus/example/tsql -o out/example "$@"
