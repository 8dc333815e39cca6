"""Offline validation of Oracle SQL and PL/SQL scripts (no database needed).

``validate_paths([...])`` / ``validate_text(text)`` return ``Finding`` objects with Oracle's
codes (PLS-00103, PLS-00201, PLS-00363, PLS-00428, ORA-00904, ORA-00923, ORA-00942, ...) and
1-based positions in the validated file, for the CLI and for a self-repair stage.
"""

from migrator.validate.core import ERROR, WARNING, Finding
from migrator.validate.validator import Catalog, Validator, validate_paths, validate_text

__all__ = ["ERROR", "WARNING", "Catalog", "Finding", "Validator", "validate_paths", "validate_text"]
