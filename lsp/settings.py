"""Language-server settings: the ``migrate`` section of ``workspace/configuration`` (or the
``initializationOptions``), mapped onto ``migrator.config.Config``.

Accepted shape (every key optional; unknown keys are reported, never fatal)::

    {
      "validation": "offline" | "oracle" | "none",      # Oracle documents
      "names": {"variablePrefix": "v_", "parameterPrefix": "p_",
                "schemaMap": {"dbo": ""}, "overrides": {"Orders": "SALES_ORDERS"}},
      "strategies": {"longString": "clob", "guid": "raw16", "identity": "by_default",
                     "resultSets": "implicit", "tempTables": "gtt"},
      "disableRules": ["TS0100"],
      "oracleFolders": ["oracle"],   # .sql files under these workspace folders are Oracle
      "outputFolder": "oracle",      # where migrate.convertWorkspace writes
      "showInfo": true,              # info diagnostics (constructs a rule converted)
      "model": {"backend": "openai", "model": "tsql2ora", "endpoint": "http://127.0.0.1:8000/v1",
                "adapter": "...", "candidates": 1, ...}   # model quick fixes (ModelConfig fields;
                                                          # camelCase accepted: apiKeyEnv, maxTokens)
    }

``Config`` field names (``var_prefix``, ``long_string``, ...) are accepted at the top level too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from migrator.config import Config

SECTION = "migrate"

_NAMES = {"variablePrefix": "var_prefix", "parameterPrefix": "param_prefix", "schemaMap": "schema_map",
          "overrides": "name_overrides", "nameMapFile": "name_map_file"}
_STRATEGIES = {"longString": "long_string", "guid": "guid", "identity": "identity", "resultSets": "result_sets",
               "tempTables": "temp_tables"}
_TOP = {"disableRules": "disable_rules", "schemaFiles": "schema_files"}
VALIDATION = ("offline", "oracle", "none")
CLIENT_ONLY = {"server", "interpreter", "languageIds", "trace"}  # the editor client's own settings


@dataclass
class Settings:
    config: Config = field(default_factory=Config)
    validation: str = "offline"
    oracle_folders: list[str] = field(default_factory=lambda: ["oracle"])
    output_folder: str = "oracle"
    show_info: bool = True
    model: dict = field(default_factory=dict)  # migrator.model.backends.ModelConfig fields

    @property
    def model_endpoint(self) -> str | None:
        return self.model.get("endpoint") or None
    problems: list[str] = field(default_factory=list)  # what was ignored, for a window/showMessage


def parse(raw, base: Config | None = None) -> Settings:
    """Settings from a ``migrate`` section (a dict, or None). Bad values are skipped and listed
    in ``problems``; the result is always usable."""
    s = Settings(config=replace(base) if base is not None else Config())
    if not isinstance(raw, dict):
        return s
    cfg_fields = {f.name for f in fields(Config)}
    values: dict = {}
    for key, val in raw.items():
        if key == "names" and isinstance(val, dict):
            for k, v in val.items():
                _put(values, _NAMES.get(k, k), v, cfg_fields, s.problems, f"names.{k}")
        elif key == "strategies" and isinstance(val, dict):
            for k, v in val.items():
                _put(values, _STRATEGIES.get(k, k), v, cfg_fields, s.problems, f"strategies.{k}")
        elif key == "validation":
            if val in VALIDATION:
                s.validation = val
            else:
                s.problems.append(f"validation must be one of {', '.join(VALIDATION)}, not {val!r}")
        elif key == "oracleFolders":
            if isinstance(val, list) and all(isinstance(v, str) for v in val):
                s.oracle_folders = list(val)
            else:
                s.problems.append("oracleFolders must be a list of folder names")
        elif key == "outputFolder":
            if isinstance(val, str) and val.strip():
                s.output_folder = val
            else:
                s.problems.append("outputFolder must be a folder name")
        elif key == "showInfo":
            s.show_info = bool(val)
        elif key == "model":
            if isinstance(val, dict):
                s.model = _model_settings(val, s.problems)
            else:
                s.problems.append("model must be an object of model settings")
        elif key in CLIENT_ONLY:
            continue
        elif key in _TOP or key in cfg_fields:
            _put(values, _TOP.get(key, key), val, cfg_fields, s.problems, key)
        else:
            s.problems.append(f"unknown setting migrate.{key}")
    for k, v in values.items():
        old = getattr(s.config, k)
        setattr(s.config, k, v)
        try:
            s.config.validate()
        except ValueError as e:
            setattr(s.config, k, old)
            s.problems.append(str(e))
    return s


_TYPES = {"var_prefix": str, "param_prefix": str, "schema_map": dict, "name_overrides": dict,
          "name_map_file": (str, type(None)), "long_string": str, "guid": str, "identity": str,
          "result_sets": str, "temp_tables": str, "schema_files": list, "disable_rules": list}


def _put(values: dict, name: str, val, cfg_fields: set, problems: list, label: str) -> None:
    if name not in cfg_fields:
        problems.append(f"unknown setting migrate.{label}")
        return
    want = _TYPES.get(name)
    if want is not None and not isinstance(val, want):
        problems.append(f"migrate.{label} has the wrong type ({type(val).__name__})")
        return
    values[name] = val


def _snake(name: str) -> str:
    import re

    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _model_settings(val: dict, problems: list) -> dict:
    from dataclasses import fields as dc_fields

    from migrator.model.backends import ModelConfig

    known = {f.name: f.type for f in dc_fields(ModelConfig)}
    out = {}
    for k, v in val.items():
        name = _snake(k)
        if name not in known:
            problems.append(f"unknown setting migrate.model.{k}")
            continue
        out[name] = v
    if out.get("endpoint") and not out.get("backend"):
        out["backend"] = "openai"  # an endpoint alone: an OpenAI-compatible server
    if out.get("backend", "") not in ("", "transformers", "vllm", "openai"):
        problems.append(f"migrate.model.backend must be transformers, vllm or openai, not {out['backend']!r}")
        out.pop("backend")
    return out
