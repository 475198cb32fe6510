"""What an event tells a subscriber, in the terms the API uses."""

from __future__ import annotations

from enum import StrEnum

from server.domain.events.models import EventKind
from server.domain.events.outbox import Happened


class MoneyChangeKind(StrEnum):
    PAYMENT_RECORDED = "payment_recorded"
    PAYMENT_REVERSED = "payment_reversed"
    HOLD_PLACED = "hold_placed"
    HOLD_RELEASED = "hold_released"
    CASE_CHANGED = "case_changed"


MONEY_CHANGE_KIND_MEANING: dict[MoneyChangeKind, str] = {
    MoneyChangeKind.PAYMENT_RECORDED: "A payment from the customer was recorded.",
    MoneyChangeKind.PAYMENT_REVERSED: "A payment was reversed: its debts are owed again.",
    MoneyChangeKind.HOLD_PLACED: "The customer was put on credit hold.",
    MoneyChangeKind.HOLD_RELEASED: "The customer's credit hold was released.",
    MoneyChangeKind.CASE_CHANGED: "The customer's collection case was opened, classified, moved "
    "a rung, had an action logged, or closed.",
}

_MONEY: dict[tuple[EventKind, str], MoneyChangeKind] = {
    (EventKind.PAYMENT, "recorded"): MoneyChangeKind.PAYMENT_RECORDED,
    (EventKind.PAYMENT, "reversed"): MoneyChangeKind.PAYMENT_REVERSED,
    (EventKind.HOLD, "placed"): MoneyChangeKind.HOLD_PLACED,
    (EventKind.HOLD, "released"): MoneyChangeKind.HOLD_RELEASED,
    (EventKind.COLLECTION, "case"): MoneyChangeKind.CASE_CHANGED,
}


def money_change(event: Happened) -> MoneyChangeKind | None:
    """What a payment or hold event means; None for anything else."""
    return _MONEY.get((event.kind, event.detail))


def in_queue(event: Happened) -> bool:
    """Whether the follow-up is (still) in its assignee's queue after the change."""
    return event.detail == "open"
