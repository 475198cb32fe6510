"""Where downloaded evidence files are kept, under which names, and whether one may be handed
to the desktop's viewer.

A file is opened by the system's opener, which chooses what to run by the name's extension:
a PDF saved as "invoice.bat" would be run on Windows. So a download is saved in the user's
own folder (readable only by them), its name takes the extension of the type its bytes are,
and a file whose extension does not match its bytes is never opened."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import filetype  # type: ignore[import-untyped]
from platformdirs import user_data_path

# The types evidence may be (the server accepts these only) and their extensions, the
# first being the one a saved name takes.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "image/webp": (".webp",),
    "application/pdf": (".pdf",),
}
# Characters that reorder or hide text ("photo\u202egpj.exe" shows as "photoexe.jpg"),
# control characters, and what a file system gives meaning to.
_UNSAFE = re.compile('[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\x00-\x1f\x7f<>:"/\\\\|?*]')


def evidence_folder() -> Path:
    """The user's own folder for downloaded evidence, readable only by them."""
    folder = user_data_path("crm", appauthor=False) / "evidence"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def detected_type(data: bytes) -> str | None:
    """The type the bytes are, when it is one evidence may be; None otherwise."""
    guessed = filetype.guess_mime(data[:8192])
    return guessed if guessed in EXTENSIONS else None


def safe_name(filename: str, content_type: str | None) -> str:
    """The name to save a download under: no hidden or path characters, ending in the
    extension of its detected type (".bin" for a type evidence is not, never opened)."""
    name = _UNSAFE.sub("", Path(filename.replace("\\", "/")).name).strip().lstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    allowed = EXTENSIONS.get(content_type or "", (".bin",))
    if f".{extension.lower()}" in allowed:
        return name
    return f"{stem.rstrip('. ') or 'file'}{allowed[0]}"


def save_private(folder: Path, filename: str, data: bytes) -> Path:
    """Write the bytes to a new file in `folder` (never over another), readable and
    writable by the user alone; the path written."""
    stem, suffix = Path(filename).stem, Path(filename).suffix
    for n in range(1, 1000):
        target = folder / (filename if n == 1 else f"{stem} ({n}){suffix}")
        try:
            handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        return target
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder / filename))


def may_open(path: Path) -> bool:
    """Whether the file may be handed to the system's opener: its extension is one of the
    type its bytes are (read again from the disk, not taken from anyone's word)."""
    try:
        with path.open("rb") as f:
            head = f.read(8192)
    except OSError:
        return False
    kind = detected_type(head)
    return kind is not None and path.suffix.lower() in EXTENSIONS[kind]
