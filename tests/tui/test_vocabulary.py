"""One source for every enum, meaning and code: the domain defines them, schema.graphql is
generated from it, and the client's lists and grade meanings must agree with both."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import pytest
from graphql import GraphQLEnumType, build_schema

from server.domain.access.models import ACCESS_REQUEST_STATUS_MEANING, AccessRequestStatus
from server.domain.accounts.models import ROLE_MEANING, Role
from server.domain.complaints import models as complaints
from server.domain.complaints import satisfaction
from server.domain.customers import models as customers
from server.domain.followups import models as followups
from server.domain.followups.visits import ROUTE_METHOD_MEANING, RouteMethod
from server.domain.receivables import models as receivables
from server.domain.receivables.aging import AGING_GROUP_MEANING, AgingGroup
from server.domain.shared.errors import ERROR_MEANING, ErrorCode
from tui.api import vocabulary

SCHEMA = build_schema((Path(__file__).resolve().parents[2] / "schema.graphql").read_text())

DOMAIN: dict[str, tuple[type[StrEnum], dict]] = {
    "Grade": (customers.Grade, customers.GRADE_MEANING),
    "Stage": (customers.Stage, customers.STAGE_MEANING),
    "AbcClass": (customers.AbcClass, customers.ABC_CLASS_MEANING),
    "SourceChannel": (customers.SourceChannel, customers.SOURCE_CHANNEL_MEANING),
    "ContactRole": (customers.ContactRole, customers.CONTACT_ROLE_MEANING),
    "Influence": (customers.Influence, customers.INFLUENCE_MEANING),
    "Attitude": (customers.Attitude, customers.ATTITUDE_MEANING),
    "AllyStrength": (customers.AllyStrength, customers.ALLY_STRENGTH_MEANING),
    "InteractionKind": (followups.InteractionKind, followups.KIND_MEANING),
    "FollowUpOrigin": (followups.FollowUpOrigin, followups.ORIGIN_MEANING),
    "FollowUpStatus": (followups.FollowUpStatus, followups.STATUS_MEANING),
    "RouteMethod": (RouteMethod, ROUTE_METHOD_MEANING),
    "Role": (Role, ROLE_MEANING),
    "AccessRequestStatus": (AccessRequestStatus, ACCESS_REQUEST_STATUS_MEANING),
    "UserErrorCode": (ErrorCode, ERROR_MEANING),
    "ComplaintStep": (complaints.ComplaintStep, complaints.STEP_MEANING),
    "ComplaintAction": (complaints.ComplaintAction, complaints.ACTION_MEANING),
    "ComplaintChannel": (complaints.ComplaintChannel, complaints.CHANNEL_MEANING),
    "ComplaintCategory": (complaints.ComplaintCategory, complaints.CATEGORY_MEANING),
    "ComplaintKind": (complaints.ComplaintKind, complaints.KIND_MEANING),
    "ComplaintSeverity": (complaints.Severity, complaints.SEVERITY_MEANING),
    "ResponsibleParty": (complaints.ResponsibleParty, complaints.RESPONSIBLE_MEANING),
    "RemedyKind": (complaints.RemedyKind, complaints.REMEDY_MEANING),
    "SatisfactionSource": (satisfaction.SatisfactionSource, satisfaction.SOURCE_MEANING),
    "ReceivableStatus": (receivables.ReceivableStatus, receivables.RECEIVABLE_STATUS_MEANING),
    "PaymentMethod": (receivables.PaymentMethod, receivables.PAYMENT_METHOD_MEANING),
    "WriteOffStatus": (receivables.WriteOffStatus, receivables.WRITE_OFF_STATUS_MEANING),
    "Classification": (receivables.Classification, receivables.CLASSIFICATION_MEANING),
    "CollectionStep": (receivables.CollectionStep, receivables.COLLECTION_STEP_MEANING),
    "LegalAction": (receivables.LegalAction, receivables.LEGAL_ACTION_MEANING),
    "AgingGroup": (AgingGroup, AGING_GROUP_MEANING),
}


def _schema_enum(name: str) -> GraphQLEnumType:
    found = SCHEMA.type_map[name]
    assert isinstance(found, GraphQLEnumType)
    return found


@pytest.mark.parametrize("name", sorted(DOMAIN))
def test_schema_enums_are_the_domains_with_its_meanings(name: str) -> None:
    source, meanings = DOMAIN[name]
    published = _schema_enum(name)
    assert list(published.values) == [m.name for m in source]
    assert {k: v.description for k, v in published.values.items()} == {
        m.name: meanings[m] for m in source
    }


@pytest.mark.parametrize("name", sorted(vocabulary.MIRRORS))
def test_the_clients_lists_are_the_schemas(name: str) -> None:
    assert set(vocabulary.MIRRORS[name]) == set(_schema_enum(name).values)


def test_the_clients_grade_meanings_are_the_domains() -> None:
    assert {
        grade: vocabulary.GRADE_DEAL_MONTHS[grade.value] for grade in customers.Grade
    } == customers.DEAL_WITHIN_MONTHS
    # And what the schema says of each grade names the same horizon.
    published = _schema_enum("Grade").values
    for grade, months in vocabulary.GRADE_DEAL_MONTHS.items():
        text = vocabulary.grade_meaning(grade)
        description = published[grade].description or ""
        if months:
            assert f"within {months} month" in text and f"within {months} month" in description
        else:
            assert "within" not in text
    assert vocabulary.grade_meaning("B", 7) == "deal within 3 months · every 7 days"
    assert vocabulary.grade_meaning("A", 1) == "deal within 1 month · daily"


def test_the_codes_the_client_acts_on_exist() -> None:
    codes = set(_schema_enum("UserErrorCode").values)
    assert set(vocabulary.CODES_ACTED_ON) <= codes
