"""Model results cached by prompt hash.

One JSON file per model call, named by :func:`migrator.model.prompt.prompt_key` (the messages,
the model id and the sampling parameters): ``<dir>/<key[:2]>/<key>.json`` holding the raw
completions. Writes are atomic (a temporary file in the same folder, then ``os.replace``), so a
run that is killed leaves either the old entry or the new one; an unreadable entry is a miss.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

_KEY = re.compile(r"^[0-9a-f]{16,128}$")


class ModelCache:
    def __init__(self, directory):
        self.dir = Path(directory)
        self.hits = 0
        self.misses = 0

    def path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"not a prompt key: {key!r}")
        return self.dir / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[str] | None:
        """The raw completions stored under ``key``, or None."""
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
            completions = data["completions"]
            if data.get("key") != key or not isinstance(completions, list) \
                    or not all(isinstance(c, str) for c in completions):
                raise ValueError("malformed entry")
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return list(completions)

    def put(self, key: str, completions: list[str], meta: dict | None = None) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        blob = json.dumps({"key": key, "completions": list(completions), "created": int(time.time()),
                           "meta": meta or {}}, ensure_ascii=False, sort_keys=True)
        from migrator.pipeline import atomic_write

        atomic_write(str(target), blob)  # never a half-written entry
