"""Files kept by the hash of their content (evidence photos and documents).

One interface, `BlobStore`: the default keeps files in a directory; an S3-compatible store
needs only the same three methods. A file is named by the SHA-256 of its bytes, so the same
photo uploaded twice is kept once, and a file cannot change under its name.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol


def digest_of(data: bytes) -> str:
    """The name a file is kept under: the hex SHA-256 of its bytes."""
    return hashlib.sha256(data).hexdigest()


class BlobStore(Protocol):
    async def put(self, data: bytes) -> str:
        """Keep the bytes; their digest, by which they are read back."""
        ...

    async def get(self, digest: str) -> bytes | None:
        """The bytes kept under the digest; None when there are none."""
        ...

    async def exists(self, digest: str) -> bool:
        """Whether bytes are kept under the digest."""
        ...


def _valid(digest: str) -> bool:
    return len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)


class DirectoryStore:
    """Files under a directory, fanned out by the digest's first two characters
    (ab/abcdef…), written to a temporary file and renamed, so a reader never sees half."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, digest: str) -> Path:
        if not _valid(digest):
            raise ValueError("not a SHA-256 digest")
        return self.root / digest[:2] / digest

    async def put(self, data: bytes) -> str:
        """Keep the bytes (once: the same bytes are already there under their digest)."""
        digest = digest_of(data)
        await asyncio.to_thread(self._write, digest, data)
        return digest

    def _write(self, digest: str, data: bytes) -> None:
        path = self._path(digest)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, digest: str) -> bytes | None:
        """The bytes under the digest; None when none, or when it is not a digest."""
        if not _valid(digest):
            return None
        path = self._path(digest)
        return await asyncio.to_thread(lambda: path.read_bytes() if path.exists() else None)

    async def exists(self, digest: str) -> bool:
        """Whether bytes are kept under the digest."""
        return _valid(digest) and self._path(digest).exists()
