"""GraphQL enums of the complaints area, mirrored from the domain (members and meanings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.domain.complaints import models, satisfaction
from server.graphql.enums import mirror

if TYPE_CHECKING:  # type checkers see the domain enums, whose members these mirror
    from server.domain.complaints.models import (
        ComplaintAction,
        ComplaintCategory,
        ComplaintChannel,
        ComplaintKind,
        ComplaintStep,
        RemedyKind,
        ResponsibleParty,
    )
    from server.domain.complaints.models import Severity as ComplaintSeverity
    from server.domain.complaints.satisfaction import SatisfactionSource
else:
    ComplaintStep = mirror(
        models.ComplaintStep,
        "The step a complaint waits in: the work to be done next (seed 001 §10.2).",
        models.STEP_MEANING,
    )
    ComplaintAction = mirror(
        models.ComplaintAction,
        "What a person does to a complaint; each is a mutation.",
        models.ACTION_MEANING,
    )
    ComplaintChannel = mirror(
        models.ComplaintChannel, "How a complaint reached us.", models.CHANNEL_MEANING
    )
    ComplaintCategory = mirror(
        models.ComplaintCategory,
        "What a complaint is about (docs/domain.md §5).",
        models.CATEGORY_MEANING,
    )
    ComplaintKind = mirror(
        models.ComplaintKind,
        "What exactly is wrong; each kind belongs to one category.",
        models.KIND_MEANING,
    )
    ComplaintSeverity = mirror(
        models.Severity,
        "How much is at stake for the customer.",
        models.SEVERITY_MEANING,
        "ComplaintSeverity",
    )
    ResponsibleParty = mirror(
        models.ResponsibleParty,
        "Who caused what the customer complains of.",
        models.RESPONSIBLE_MEANING,
    )
    RemedyKind = mirror(models.RemedyKind, "What is done for the customer.", models.REMEDY_MEANING)
    SatisfactionSource = mirror(
        satisfaction.SatisfactionSource,
        "Where a satisfaction score was given.",
        satisfaction.SOURCE_MEANING,
    )
