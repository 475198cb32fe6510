"""Evidence: photos and documents attached to a complaint, kept by content hash.

Whoever may read a complaint may attach to it and download what is attached; anyone else
is told the complaint, or the file, does not exist. A file's type is told from its bytes
(JPEG, PNG, WebP or PDF), never from its name or the type the client claims.
"""

from __future__ import annotations

import filetype  # type: ignore[import-untyped]
from tortoise.transactions import in_transaction

from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.complaints.models import ComplaintEvidence, EvidenceType
from server.domain.complaints.scope import readable_complaint, visible_complaints
from server.domain.shared import validation as v
from server.domain.shared.blobs import BlobStore
from server.domain.shared.errors import N_, DomainError, ErrorCode

_ACCEPTED = {t.value: t for t in EvidenceType}


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
    kind = evidence_type(data)
    if kind is None:
        raise DomainError.single(
            ErrorCode.INVALID, N_("Only JPEG, PNG, WebP and PDF files are accepted."), "file"
        )
    cleaned = v.clean(
        {"filename": v.text(200, required=True), "description": v.text(500)},
        {
            "filename": (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1] or "file",
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
