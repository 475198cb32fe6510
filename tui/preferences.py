"""What the user chose and the client remembers between runs (for now, the language), in
the user's config directory beside the session file."""

from __future__ import annotations

import json
from pathlib import Path

from platformdirs import user_config_dir


def default_path() -> Path:
    return Path(user_config_dir("crm", appauthor=False)) / "preferences.json"


class Preferences:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    @property
    def language(self) -> str | None:
        """The language the user last chose, if they ever did."""
        return self._read().get("language")

    @language.setter
    def language(self, value: str) -> None:
        data = self._read()
        data["language"] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
