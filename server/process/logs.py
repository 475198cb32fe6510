"""Structured logs: one JSON object per line, with the request id, the viewer and the
operation name of the request being answered.

What a request logs (its line after answering, an unexpected error's traceback) carries
those three from a context variable set when the request starts; nothing else about the
request is logged, so no token, password or variable value can reach the log.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class RequestFacts:
    request_id: str
    viewer: str | None = None
    operation: str | None = None


CURRENT: ContextVar[RequestFacts | None] = ContextVar("crm_request", default=None)

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        facts = CURRENT.get()
        if facts is not None:
            entry["request_id"] = facts.request_id
            if facts.viewer:
                entry["viewer"] = facts.viewer
            if facts.operation:
                entry["operation"] = facts.operation
        # Fields a caller passed with `extra=` (the request line's outcome and time).
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(json_lines: bool, level: int = logging.INFO) -> None:
    """Logging for a server process: JSON lines on stderr, or plain text for a terminal."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("crm").setLevel(level)
