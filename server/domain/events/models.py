"""The outbox: one row per change worth announcing, written by the database itself.

Triggers (triggers.py) add a row in the same transaction as the change, so nothing is
announced that did not commit and nothing committed goes unannounced, whichever code path
(a mutation, an import, a timed job) wrote it. Rows are read by each process's hub
(server/process/hub.py) and pruned by a timed job once every process has read them.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from server.domain.shared.timefields import UtcDatetimeField


class EventKind(StrEnum):
    QUEUE = "queue"
    COMPLAINT = "complaint"
    COMPLAINT_OVERDUE = "overdue"
    PAYMENT = "payment"
    HOLD = "hold"
    COLLECTION = "collection"
    CUSTOMER = "customer"
    SESSION = "session"
    ACCESS = "access"


EVENT_KIND_MEANING: dict[EventKind, str] = {
    EventKind.QUEUE: "A follow-up was added to, changed in or taken from someone's queue.",
    EventKind.COMPLAINT: "A complaint was recorded, moved a step or changed hands.",
    EventKind.COMPLAINT_OVERDUE: "A complaint's step passed its time limit.",
    EventKind.PAYMENT: "A payment was recorded or reversed.",
    EventKind.HOLD: "A customer was put on credit hold or let off it.",
    EventKind.COLLECTION: "A collection case was opened, moved a rung, was classified or closed.",
    EventKind.CUSTOMER: "A customer's record changed (its version went up).",
    EventKind.SESSION: "A sign-in was revoked or a user's standing changed.",
    EventKind.ACCESS: "A grant to read a customer was given, changed or taken away.",
}


class Event(Model):
    """An announced change (the outbox)"""

    # Ascending: each process reads what is past the last id it delivered.
    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(EventKind, max_length=12)
    customer_id = fields.IntField(null=True)
    # The customer's owner when the change was made: whom the customer's events reach.
    owner_id = fields.IntField(null=True)
    # Whose queue, complaint or session it is.
    user_id = fields.IntField(null=True)
    # The changed row: a follow-up, complaint, payment, hold or token.
    subject_id = fields.IntField(null=True)
    version = fields.IntField(null=True)
    # What happened, in a word: a follow-up's status, a complaint's step, "reversed"…
    detail = fields.CharField(max_length=16, default="")

    class Meta:
        table = "event"


class TimedRun(Model):
    """When each timed job last ran: the claimed row that makes it run once"""

    job = fields.CharField(max_length=40, primary_key=True)
    # The run's moment; a process claims the next run with a conditional UPDATE on it.
    last_run_at = UtcDatetimeField()
    runs = fields.IntField(default=0)
    # The outbox's last id at the previous prune (events below it are read by everyone).
    mark = fields.BigIntField(default=0)

    class Meta:
        table = "timed_run"
