"""Where the client keeps its session token: one file in the user's config directory,
readable by the user alone (0600), keyed by server URL so two servers keep two sessions,
with the server last signed in to (what `crm logout` means without --url)."""

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

    def _read(self) -> tuple[dict[str, str], str | None]:
        try:
            data = json.loads(self.path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return {}, None
        if not isinstance(data, dict):
            return {}, None
        if isinstance(data.get("sessions"), dict):
            last = data.get("last_url")
            sessions = {str(k): str(v) for k, v in data["sessions"].items()}
            return sessions, str(last) if last else None
        # The first format: a plain {url: token} map.
        return {str(k): str(v) for k, v in data.items()}, None

    def get(self, url: str) -> str | None:
        return self._read()[0].get(url)

    def last_url(self) -> str | None:
        """The server last signed in to, or the only one with a session."""
        sessions, last = self._read()
        if last:
            return last
        return next(iter(sessions)) if len(sessions) == 1 else None

    def put(self, url: str, token: str | None) -> None:
        tokens, last = self._read()
        if token:
            tokens[url] = token
            last = url
        else:
            tokens.pop(url, None)
            if last == url:
                last = None
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Created 0600 from the start: the token is never readable by others, not even
        # for the moment between writing and a chmod.
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"sessions": tokens, "last_url": last}, out)
        os.chmod(self.path, 0o600)
