"""Configuration: ``migrate.toml`` or ``[tool.migrate]`` in pyproject.toml, then CLI flags.

Every option that changes output is part of the cache key (``Config.fingerprint``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import asdict, dataclass, field, fields


@dataclass
class Config:
    # names
    var_prefix: str = "v_"
    param_prefix: str = "p_"
    schema_map: dict = field(default_factory=dict)  # T-SQL schema -> Oracle schema ("" drops it)
    name_overrides: dict = field(default_factory=dict)  # T-SQL identifier -> Oracle identifier
    name_map_file: str | None = None  # a name-map.json to read overrides from
    # types
    long_string: str = "clob"  # VARCHAR(n>4000): "clob" | "varchar2_32767" (MAX_STRING_SIZE=EXTENDED)
    guid: str = "raw16"  # UNIQUEIDENTIFIER: "raw16" | "varchar36"
    identity: str = "by_default"  # "by_default" | "always"
    # procedural strategies (used by the procedural converter)
    result_sets: str = "implicit"  # "implicit" (DBMS_SQL.RETURN_RESULT) | "refcursor" (OUT SYS_REFCURSOR)
    temp_tables: str = "gtt"  # "gtt" (global temporary tables in a setup script) | "collection"
    # run
    schema_files: list = field(default_factory=list)  # extra T-SQL read only for the catalog
    disable_rules: list = field(default_factory=list)
    # the model stage ([model] table: migrator.model.backends.ModelConfig fields); not part of the
    # conversion cache key: the model stage runs after conversion and caches by prompt
    model: dict = field(default_factory=dict)

    def fingerprint(self) -> str:
        d = asdict(self)
        d.pop("model", None)
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]

    @classmethod
    def load(cls, start: str = ".", path: str | None = None, overrides: dict | None = None) -> "Config":
        data: dict = {}
        if path:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
            data = data.get("tool", {}).get("migrate", data)
        else:
            for candidate in (os.path.join(start, "migrate.toml"), os.path.join(start, "pyproject.toml")):
                if os.path.isfile(candidate):
                    with open(candidate, "rb") as fh:
                        raw = tomllib.load(fh)
                    section = raw.get("tool", {}).get("migrate") if candidate.endswith("pyproject.toml") else raw
                    if section:
                        data = section
                        break
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown configuration keys: {', '.join(sorted(unknown))}")
        cfg = cls(**data)
        for k, v in (overrides or {}).items():
            if v is not None and k in known:
                setattr(cfg, k, v)
        cfg.validate()
        return cfg

    def model_config(self):
        """The ``[model]`` table as a ModelConfig (backend "" = no model)."""
        from dataclasses import fields as dc_fields

        from migrator.model.backends import ModelConfig

        known = {f.name for f in dc_fields(ModelConfig)}
        unknown = set(self.model) - known
        if unknown:
            raise ValueError(f"unknown [model] keys: {', '.join(sorted(unknown))}")
        return ModelConfig(**self.model)

    def validate(self) -> None:
        choices = {"long_string": {"clob", "varchar2_32767"}, "guid": {"raw16", "varchar36"},
                   "identity": {"by_default", "always"}, "result_sets": {"implicit", "refcursor"},
                   "temp_tables": {"gtt", "collection"}}
        for k, allowed in choices.items():
            if getattr(self, k) not in allowed:
                raise ValueError(f"{k} must be one of {sorted(allowed)}, not {getattr(self, k)!r}")
        backend = self.model_config().backend
        if backend not in ("", "transformers", "vllm", "openai"):
            raise ValueError(f"[model] backend must be transformers, vllm or openai, not {backend!r}")
