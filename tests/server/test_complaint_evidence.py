"""Evidence on a complaint: uploaded with the GraphQL multipart request spec, checked by
content and size, kept by hash, downloaded over HTTP only by those who may read the
complaint (missing and not allowed look the same)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import replace
from typing import Any
from urllib.parse import unquote_to_bytes

import httpx
import pytest
from strawberry.relay import GlobalID

from server.domain.accounts.viewer import Viewer
from server.domain.complaints import services as complaints
from server.domain.complaints.models import ComplaintEvidence
from server.domain.customers.models import Customer
from tests.conftest import Company

# The first bytes are what tells a type: a PNG's signature and header chunk, a PDF's
# header. The rest is filler.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06" + b"\0" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
ATTACH = """mutation($input: ComplaintEvidenceAttachInput!) {
  complaintEvidenceAttach(input: $input) {
  evidence { id filename contentType size sha256 downloadPath uploadedBy { username } }
  complaint { evidence { filename } } userErrors { field code message } } }"""


@pytest.fixture
async def complaint(company: Company) -> str:
    customer = await Customer.create(owner=company.users["r1"], name="杭州机械厂", search_text="")
    made = await complaints.record_complaint(
        Viewer(user=company.users["r1"]),
        customer.id,
        {"channel": "phone", "kind": "transit_damage", "subject": "外箱压坏"},
    )
    return str(GlobalID("Complaint", str(made.id)))


async def _attach(
    company: Company, who: str, complaint_id: str, data: bytes, name: str = "破损.png"
) -> dict[str, Any]:
    """A GraphQL multipart request: operations, the map, then the file."""
    operations = {"query": ATTACH, "variables": {"input": {"id": complaint_id, "file": None}}}
    response = await company.client.post(
        "/graphql",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.file"]}),
        },
        files={"0": (name, data, "image/png")},
        headers={"Authorization": f"Bearer {company.tokens[who]}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]["complaintEvidenceAttach"]


async def _download(company: Company, who: str | None, path: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {company.tokens[who]}"} if who else {}
    return await company.client.get(path, headers=headers)


async def test_a_photo_is_attached_kept_by_hash_and_downloaded_by_its_readers(
    company: Company, complaint: str
) -> None:
    attached = await _attach(company, "r1", complaint, PNG)
    assert attached["userErrors"] == []
    evidence = attached["evidence"]
    assert evidence["filename"] == "破损.png"
    assert evidence["contentType"] == "image/png"
    assert evidence["size"] == len(PNG)
    assert evidence["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert evidence["uploadedBy"] == {"username": "r1"}
    assert attached["complaint"]["evidence"] == [{"filename": "破损.png"}]
    # The same file again is a second attachment of the same stored bytes.
    again = await _attach(company, "svc", complaint, PNG, "again.png")
    assert again["evidence"]["sha256"] == evidence["sha256"]
    owner = await _download(company, "r1", evidence["downloadPath"])
    assert owner.status_code == 200
    assert owner.content == PNG
    assert owner.headers["content-type"] == "image/png"
    assert "attachment" in owner.headers["content-disposition"]
    # The manager and the service department read the complaint: they get it.
    for reader in ("m1", "svc", "admin"):
        assert (await _download(company, reader, evidence["downloadPath"])).content == PNG
    # Another team: the same answer as for a file that does not exist.
    hidden = await _download(company, "r3", evidence["downloadPath"])
    missing = await _download(company, "r3", f"/evidence/{GlobalID('ComplaintEvidence', '999999')}")
    nonsense = await _download(company, "r3", "/evidence/not-an-id")
    assert hidden.status_code == missing.status_code == nonsense.status_code == 404
    assert hidden.content == missing.content == nonsense.content
    assert (await _download(company, None, evidence["downloadPath"])).status_code == 401
    # node(id) follows the same rule.
    query = "query($id: ID!) { node(id: $id) { ... on ComplaintEvidence { filename } } }"
    assert (await company.api("m1").data(query, {"id": evidence["id"]}))["node"] == {
        "filename": "破损.png"
    }
    assert (await company.api("r3").data(query, {"id": evidence["id"]}))["node"] is None


async def test_a_pdf_is_accepted_and_a_file_is_typed_by_its_content_not_its_name(
    company: Company, complaint: str
) -> None:
    pdf = await _attach(company, "r1", complaint, PDF, "质检报告.pdf")
    assert pdf["evidence"]["contentType"] == "application/pdf"
    disguised = await _attach(company, "r1", complaint, b"MZ\x90\x00 not a photo", "photo.png")
    assert [(e["field"], e["code"]) for e in disguised["userErrors"]] == [
        (["input", "file"], "INVALID")
    ]
    gif = await _attach(company, "r1", complaint, b"GIF89a\x01\x00\x01\x00" + b"\0" * 20)
    assert [e["code"] for e in gif["userErrors"]] == ["INVALID"]
    empty = await _attach(company, "r1", complaint, b"")
    assert [(e["field"], e["code"]) for e in empty["userErrors"]] == [
        (["input", "file"], "REQUIRED")
    ]
    assert await ComplaintEvidence.all().count() == 1


@pytest.mark.parametrize(
    ("sent", "data", "kept"),
    [
        ("invoice.bat", PDF, "invoice.pdf"),
        ("report.hta", PDF, "report.pdf"),
        ("photo.html", PDF, "photo.pdf"),
        ("run.sh", PDF, "run.pdf"),
        ("x.svg", PDF, "x.pdf"),
        ("photo\u202egnp.exe", PNG, "photognp.png"),  # shown as "photoexe.png"
        ("\u2066报告\u2069.PDF", PDF, "报告.PDF"),
        ("..\\..\\boot.ini", PNG, "boot.png"),
        (".htaccess", PNG, "htaccess.png"),
        ("扫描件", PDF, "扫描件.pdf"),
        ("照片.jpeg", PNG, "照片.png"),
    ],
)
async def test_a_stored_name_takes_the_extension_of_the_files_type(
    company: Company, complaint: str, sent: str, data: bytes, kept: str
) -> None:
    """The client saves and opens a download by its name; a PDF named invoice.bat would be
    run. The name keeps what the person wrote, with the extension its bytes call for."""
    attached = await _attach(company, "r1", complaint, data, sent)
    assert attached["userErrors"] == []
    assert attached["evidence"]["filename"] == kept
    download = await _download(company, "r1", attached["evidence"]["downloadPath"])
    assert kept.encode() in unquote_to_bytes(download.headers["content-disposition"])


async def test_a_file_over_the_limit_is_refused_and_nothing_is_kept(
    app: Any, company: Company, complaint: str
) -> None:
    graphql = app.state.graphql
    settings = graphql.settings
    graphql.settings = replace(settings, max_evidence_bytes=50)
    try:
        large = await _attach(company, "r1", complaint, PNG)
    finally:
        graphql.settings = settings
    assert [(e["field"], e["code"]) for e in large["userErrors"]] == [
        (["input", "file"], "TOO_LONG")
    ]
    assert await ComplaintEvidence.all().count() == 0


async def test_only_those_who_read_the_complaint_attach_to_it(
    company: Company, complaint: str
) -> None:
    refused = await _attach(company, "r3", complaint, PNG)
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["input", "id"], "NOT_FOUND")
    ]
    assert await ComplaintEvidence.all().count() == 0


async def test_an_upload_may_exceed_the_body_limit_by_the_evidence_limit_alone(
    company: Company,
) -> None:
    """A JSON body over the limit is refused (test_http.py); a multipart body may be
    larger by the evidence limit, and no more."""
    filler = b"\0" * 1_500_000
    response = await company.client.post(
        "/graphql",
        data={"operations": json.dumps({"query": "{ viewer { username } }"}), "map": "{}"},
        files={"0": ("big.bin", filler, "application/octet-stream")},
        headers={"Authorization": f"Bearer {company.tokens['r1']}"},
    )
    assert response.status_code == 200, response.text
    too_big = await company.client.post(
        "/graphql",
        data={"operations": json.dumps({"query": "{ viewer { username } }"}), "map": "{}"},
        files={"0": ("huge.bin", b"\0" * 11_500_000, "application/octet-stream")},
    )
    assert too_big.status_code == 413


def _pk(gid: str) -> int:
    return int(base64.b64decode(gid).decode().split(":")[1])


async def test_a_complaint_holds_at_most_fifty_files(company: Company, complaint: str) -> None:
    pk = int(base64.b64decode(complaint).decode().split(":")[1])
    first = await _attach(company, "r1", complaint, PNG)
    row = await ComplaintEvidence.get(
        id=int(base64.b64decode(first["evidence"]["id"]).decode().split(":")[1])
    )
    await ComplaintEvidence.bulk_create(
        [
            ComplaintEvidence(
                complaint_id=pk,
                sha256=row.sha256,
                filename=f"照片{n}.png",
                content_type=row.content_type,
                size=row.size,
                uploaded_by_id=row.uploaded_by_id,
            )
            for n in range(49)
        ]
    )
    over = await _attach(company, "r1", complaint, PNG)
    assert [(e["field"], e["code"]) for e in over["userErrors"]] == [
        (["input", "file"], "OUT_OF_RANGE")
    ]
    assert await ComplaintEvidence.filter(complaint_id=pk).count() == 50
