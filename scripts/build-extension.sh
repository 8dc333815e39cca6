#!/usr/bin/env bash
# Build the VS Code extension: install the locked npm dependencies, type-check, run its unit
# tests, and package vscode-extension/tsql2oracle-migrate.vsix (offline: vsce --no-dependencies).
# Needs Node.js >= 20 and npm. The integration test in `npm test` uses ./.venv when
# scripts/test.sh has created it (CI runs that first), and is skipped otherwise.
set -euo pipefail
cd "$(dirname "$0")/../vscode-extension"
node --version >/dev/null 2>&1 || { echo "build-extension: node (>= 20) is required" >&2; exit 1; }
npm ci --no-audit --no-fund
npm test
npm run package
ls -l tsql2oracle-migrate.vsix
