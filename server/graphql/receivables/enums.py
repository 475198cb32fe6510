"""GraphQL enums of the receivables area, mirrored from the domain (members and meanings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from server.domain.receivables import aging, models
from server.graphql.enums import mirror

if TYPE_CHECKING:  # type checkers see the domain enums, whose members these mirror
    from server.domain.receivables.aging import AgingGroup
    from server.domain.receivables.models import (
        Classification,
        CollectionStep,
        LegalAction,
        PaymentMethod,
        ReceivableStatus,
        WriteOffStatus,
    )
else:
    ReceivableStatus = mirror(
        models.ReceivableStatus,
        "Where a debt stands: owed, part paid, paid, written off or disputed.",
        models.RECEIVABLE_STATUS_MEANING,
    )
    PaymentMethod = mirror(
        models.PaymentMethod, "How a payment was made.", models.PAYMENT_METHOD_MEANING
    )
    WriteOffStatus = mirror(
        models.WriteOffStatus, "Where a proposed write-off stands.", models.WRITE_OFF_STATUS_MEANING
    )
    Classification = mirror(
        models.Classification,
        "Why a debt is overdue (seed 000 §六); malicious debts may climb the whole ladder.",
        models.CLASSIFICATION_MEANING,
    )
    CollectionStep = mirror(
        models.CollectionStep,
        "Where a collection case stands on the ladder of seed 000 §六.",
        models.COLLECTION_STEP_MEANING,
    )
    LegalAction = mirror(
        models.LegalAction, "The legal action taken (ladder step 6).", models.LEGAL_ACTION_MEANING
    )
    AgingGroup = mirror(aging.AgingGroup, "How aging rows are grouped.", aging.AGING_GROUP_MEANING)
