"""Where the client keeps its session token: one file in the user's config directory,
readable by the user alone (0600), keyed by server URL so two servers keep two sessions."""

from __future__ import annotations

import json
import os
from pathlib import Path

from platformdirs import user_config_dir


def default_path() -> Path:
    return Path(user_config_dir("crm", appauthor=False)) / "session.json"


class TokenStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, url: str) -> str | None:
        return self._read().get(url)

    def put(self, url: str, token: str | None) -> None:
        tokens = self._read()
        if token:
            tokens[url] = token
        else:
            tokens.pop(url, None)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Created 0600 from the start: the token is never readable by others, not even
        # for the moment between writing and a chmod.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(tokens, out)
        os.chmod(self.path, 0o600)
