"""Model answers compiled on a real Oracle 19c before they are accepted (``--validate oracle``
with a model configured): the repair loop's "validate on Oracle when configured".

Each passing candidate (it already passed the guardrail and the offline validator) is created in
the scratch schema of ``MIGRATE_ORACLE_*`` (``migrator.oracle_db``), its errors read back, and
everything it created dropped again. A candidate that refers to project objects not created in
that schema gets their ORA-00942/PLS-00201 errors: run the setup script and the converted DDL
there first (``migrate check --validate oracle`` on the output does that in dependency order).
"""

from __future__ import annotations

from typing import Callable


def oracle_validate_fn(validator) -> Callable[[str], list[str]]:
    """``code -> [error, ...]`` over an entered ``migrator.oracle_db.OracleValidator``."""
    from migrator.oracle_db import OracleUnit

    def check(code: str) -> list[str]:
        try:
            findings = validator.validate([OracleUnit(path="<model>", name="model answer", text=code, start_line=1)])
        finally:
            validator.cleanup()
        return [f"{f['code']} at {f.get('unit_line', f['line'])}:{f['col']}: {f['message']} (Oracle)"
                for f in findings if f.get("severity", "error") == "error"]

    return check
