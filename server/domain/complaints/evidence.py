"""Evidence: photos and documents attached to a complaint, kept by content hash.

Whoever may read a complaint may attach to it and download what is attached; anyone else
is told the complaint, or the file, does not exist. A file's type is told from its bytes
(JPEG, PNG, WebP or PDF), never from its name or the type the client claims, and its name
takes that type's extension.
"""

from __future__ import annotations

import re

import filetype  # type: ignore[import-untyped]
from tortoise.transactions import in_transaction

from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.complaints.models import ComplaintEvidence, EvidenceType
from server.domain.complaints.scope import readable_complaint, visible_complaints
from server.domain.shared import validation as v
from server.domain.shared.blobs import BlobStore
from server.domain.shared.errors import N_, DomainError, ErrorCode
from server.domain.shared.limits import refuse_at

_ACCEPTED = {t.value: t for t in EvidenceType}
# Files one complaint holds at most (the bound a query asking for evidence is costed by).
MAX_EVIDENCE = 50
# The extension a stored name takes from its detected type (the first), and the others a
# name of that type may keep as it is.
EXTENSIONS: dict[EvidenceType, tuple[str, ...]] = {
    EvidenceType.JPEG: (".jpg", ".jpeg"),
    EvidenceType.PNG: (".png",),
    EvidenceType.WEBP: (".webp",),
    EvidenceType.PDF: (".pdf",),
}
# Characters that reorder or hide text: "photo\u202egpj.exe" shows as "photoexe.jpg".
_HIDDEN = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u0000-\u001f\u007f]")


def stored_name(filename: str, kind: EvidenceType) -> str:
    """The name a file is kept and offered under: its last path part, without characters
    that reorder or hide text, ending in the extension of the type its bytes are. A PDF
    sent as "invoice.bat" is kept as "invoice.pdf": a download is never saved under a
    name the user's system would run."""
    name = _HIDDEN.sub("", (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).strip()
    name = name.lstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if f".{extension.lower()}" in EXTENSIONS[kind]:
        return name
    return f"{stem.rstrip('. ') or 'file'}{EXTENSIONS[kind][0]}"


def evidence_type(data: bytes) -> EvidenceType | None:
    """The accepted type these bytes are, by their content; None for anything else."""
    guessed = filetype.guess_mime(data[:8192])
    return _ACCEPTED.get(guessed) if guessed else None


async def attach(
    viewer: Viewer,
    complaint_id: int,
    filename: str,
    data: bytes,
    store: BlobStore,
    max_bytes: int,
    description: str = "",
) -> ComplaintEvidence:
    """Keep the file and attach it to the complaint. Refused: a complaint the viewer may
    not read (NOT_FOUND, as a missing one), an empty or too large file, a type other than
    JPEG, PNG, WebP or PDF."""
    viewer.require_user()
    complaint = await readable_complaint(viewer, complaint_id)
    if complaint is None:
        raise DomainError.single(
            ErrorCode.NOT_FOUND, N_("No such complaint, or it is not visible to you."), "id"
        )
    if not data:
        raise DomainError.single(ErrorCode.REQUIRED, N_("The file is empty."), "file")
    if len(data) > max_bytes:
        raise DomainError.single(
            ErrorCode.TOO_LONG,
            N_("The file is larger than {most} bytes."),
            "file",
            most=max_bytes,
        )
    await refuse_at(
        ComplaintEvidence.filter(complaint_id=complaint.id),
        MAX_EVIDENCE,
        N_("A complaint holds at most {most} files."),
        "file",
    )
    kind = evidence_type(data)
    if kind is None:
        raise DomainError.single(
            ErrorCode.INVALID, N_("Only JPEG, PNG, WebP and PDF files are accepted."), "file"
        )
    cleaned = v.clean(
        {"filename": v.text(200, required=True), "description": v.text(500)},
        {
            "filename": stored_name(filename, kind)[-200:],
            "description": description,
        },
    )
    digest = await store.put(data)
    async with in_transaction():
        evidence = await ComplaintEvidence.create(
            complaint_id=complaint.id,
            sha256=digest,
            filename=cleaned["filename"],
            content_type=kind,
            size=len(data),
            description=cleaned["description"],
            uploaded_by_id=viewer.id,
        )
        await audit.record(
            viewer,
            "complaint.evidence",
            "Complaint",
            complaint.id,
            {"evidence": {"from": None, "to": f"{cleaned['filename']} ({digest[:12]})"}},
        )
    return evidence


async def readable_evidence(viewer: Viewer, evidence_id: int) -> ComplaintEvidence | None:
    """The evidence row if the viewer may read its complaint; None when missing or hidden
    alike."""
    if viewer.user is None:
        return None
    complaints = await visible_complaints(viewer)
    found = await ComplaintEvidence.get_or_none(id=evidence_id)
    if found is None or not await complaints.filter(id=found.complaint_id).exists():
        return None
    return found
