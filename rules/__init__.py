"""The rule catalogue: one rule per file, ``tsNNNN_name.py``, fixtures in ``fixtures/``.

Ranges: TS00xx core/markers, TS01xx DDL and types, TS02xx-TS03xx built-in functions
and expressions, TS04xx-TS05xx queries and DML, TS06xx-TS08xx procedural code,
TS09xx back-end refusals. ``migrate rules`` lists them; docs are their docstrings.
"""
