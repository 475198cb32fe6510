"""Logging a contact and moving the customer on, in one transaction (docs/domain.md §3).

A logged contact closes the follow-ups it answers, re-grades the customer (the caller confirms
the grade every time) and schedules the next follow-up from the new grade's cadence, or from
the customer's contact plan when it sets its own frequency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.domain.accounts.models import User
from server.domain.accounts.viewer import Viewer
from server.domain.audit import services as audit
from server.domain.company.models import CompanySettings
from server.domain.company.services import company_settings, local_date, today, zone
from server.domain.customers.models import Contact, Customer, Grade
from server.domain.customers.services import editable_customer, get_customer
from server.domain.followups.models import (
    LIFECYCLE,
    ContactPlan,
    FollowUp,
    FollowUpOrigin,
    FollowUpStatus,
    Interaction,
    InteractionContact,
    InteractionKind,
    InteractionParticipant,
    open_slot,
)
from server.domain.followups.schedule import (
    RULE_BY_ORIGIN,
    SERVICE_ORIGINS,
    add_months,
    effective_cadence,
    next_due,
    rules_for,
)
from server.domain.shared import clock
from server.domain.shared import validation as v
from server.domain.shared.errors import DomainError, ErrorCode, FieldProblem, not_found
from server.domain.shared.paging import DATETIME, Page, PageArgs, SortKey, paginate
from server.domain.shared.validation import Patch, enum_of

# A clock a few minutes fast on a laptop must not turn "just now" into an error.
FUTURE_SLACK = timedelta(minutes=10)
# Contact times are typed to the minute: "10:05" may be any moment of that minute, so an
# item planned at 10:05:30 may have existed when a contact logged as 10:05 happened.
TYPED_PRECISION = timedelta(minutes=1)
MAX_PEOPLE = 50

LOG_FIELDS: dict[str, v.Validator] = {
    "kind": enum_of(InteractionKind),
    "grade": enum_of(Grade),
    "summary": v.text(200),
    "needs": v.text(5000),
    "problems": v.text(5000),
    "outcome": v.text(5000),
    "next_step": v.text(5000),
    "satisfaction": v.int_range(1, 5),
    "next_kind": enum_of(InteractionKind),
    "next_purpose": v.text(5000),
    "idempotency_key": v.text(100),
    "occurred_at": v.passthrough,
    "next_due_on": v.passthrough,
}


@dataclass
class LogResult:
    interaction: Interaction
    customer: Customer
    completed: list[FollowUp] = field(default_factory=list)
    next_follow_up: FollowUp | None = None
    # Class-service follow-ups scheduled because one of them was just done.
    also_scheduled: list[FollowUp] = field(default_factory=list)
    replayed: bool = False
    # False for a contact older than the customer's latest: history, not the present.
    is_latest: bool = True


def summary_of(values: dict[str, Any]) -> str:
    """The one line a queue shows for the contact: given, or the first line of the notes."""
    if values.get("summary"):
        return str(values["summary"])
    for name in ("outcome", "needs", "problems", "next_step"):
        text = str(values.get(name) or "").strip()
        if text:
            return text.splitlines()[0][:200]
    return ""


def as_aware(settings: CompanySettings, moment: datetime) -> datetime:
    """A time without an offset is read in the company's time zone; kept in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(settings))
    return moment.astimezone(UTC)


async def _replay(viewer: Viewer, existing: Interaction) -> LogResult:
    """The first answer again, as far as the caller may still see it: someone who lost the
    customer (a transfer) gets NOT_FOUND, exactly as for any customer they cannot see."""
    try:
        customer = await get_customer(viewer, existing.customer_id)
    except DomainError:
        raise not_found("Customer", "customer_id") from None
    completed = await FollowUp.filter(interaction_id=existing.id).order_by("id")
    following = (
        await FollowUp.get_or_none(id=existing.next_follow_up_id)
        if existing.next_follow_up_id
        else None
    )
    return LogResult(
        existing,
        customer,
        completed,
        following,
        replayed=True,
        is_latest=existing.next_follow_up_id is not None,
    )


async def _check_people(ids: list[int]) -> list[FieldProblem]:
    if len(ids) > MAX_PEOPLE:
        return [FieldProblem("our_people_ids", ErrorCode.OUT_OF_RANGE, "At most 50 people.")]
    found = await User.filter(id__in=ids, is_active=True).count() if ids else 0
    if found != len(set(ids)):
        return [FieldProblem("our_people_ids", ErrorCode.NOT_FOUND, "No active user with an id.")]
    return []


async def _check_contacts(
    customer_id: int, ids: list[int]
) -> tuple[list[Contact], list[FieldProblem]]:
    if len(ids) > MAX_PEOPLE:
        return [], [FieldProblem("contact_ids", ErrorCode.OUT_OF_RANGE, "At most 50 contacts.")]
    contacts = await Contact.filter(id__in=ids, customer_id=customer_id) if ids else []
    if len(contacts) != len(set(ids)):
        return [], [
            FieldProblem("contact_ids", ErrorCode.NOT_FOUND, "Not a contact of this customer.")
        ]
    return list(contacts), []


async def _check_answered(
    customer_id: int, follow_up_id: int | None, occurred: datetime
) -> list[FieldProblem]:
    if follow_up_id is None:
        return []
    found = await FollowUp.get_or_none(id=follow_up_id, customer_id=customer_id)
    if found is None:
        return [FieldProblem("follow_up_id", ErrorCode.NOT_FOUND, "Follow-up not found.")]
    refused = LIFECYCLE.problem("answer", found.status, "follow_up_id")
    if refused is not None:
        return [refused]
    if found.created_at >= occurred + TYPED_PRECISION:
        return [
            FieldProblem(
                "follow_up_id",
                ErrorCode.INVALID,
                "This follow-up was planned after the contact happened; it cannot answer it.",
            )
        ]
    return []


def _check_times(
    settings: CompanySettings, occurred: datetime, due: date | None
) -> list[FieldProblem]:
    problems = []
    if occurred > clock.now() + FUTURE_SLACK:
        problems.append(
            FieldProblem("occurred_at", ErrorCode.OUT_OF_RANGE, "Must not be in the future.")
        )
    if due is not None and due < today(settings):
        problems.append(
            FieldProblem("next_due_on", ErrorCode.OUT_OF_RANGE, "The due date is in the past.")
        )
    return problems


async def manager_of(user_id: int) -> int:
    """Who leads a rep; a person without a manager answers for themselves."""
    found = await User.filter(id=user_id).values_list("manager_id", flat=True)
    return cast(int | None, found[0] if found else None) or user_id


async def log_interaction(
    viewer: Viewer,
    customer_id: int,
    values: Patch,
    *,
    follow_up_id: int | None = None,
    contact_ids: list[int] | None = None,
    our_people_ids: list[int] | None = None,
) -> LogResult:
    """Record a contact, close what it answers, re-grade, schedule the next follow-up.

    Sending the same idempotency key again returns the first result and writes nothing.
    """
    user = viewer.require_user()
    # Omitted and null mean the same here: "use the default".
    values = {"kind": None, "grade": None, **{k: v for k, v in values.items() if v is not None}}
    key = values.get("idempotency_key")
    if key:
        existing = await Interaction.get_or_none(author_id=user.id, idempotency_key=key)
        if existing is not None:
            if existing.customer_id != customer_id:
                raise DomainError.single(
                    ErrorCode.DUPLICATE,
                    "This idempotency key was used for another customer.",
                    "idempotency_key",
                )
            return await _replay(viewer, existing)
    customer = await editable_customer(viewer, customer_id, field="customer_id")
    cleaned = v.clean(LOG_FIELDS, values)
    settings = await company_settings()
    occurred = as_aware(settings, cleaned.get("occurred_at") or clock.now())
    people = list(dict.fromkeys(our_people_ids if our_people_ids is not None else [user.id]))
    contacts, problems = await _check_contacts(customer.id, list(contact_ids or []))
    problems += await _check_people(people)
    problems += await _check_answered(customer.id, follow_up_id, occurred)
    problems += _check_times(settings, occurred, cleaned.get("next_due_on"))
    if problems:
        raise DomainError(*problems)
    try:
        return await _write(
            viewer, customer, cleaned, settings, occurred, follow_up_id, contacts, people
        )
    except IntegrityError:
        # A concurrent request with the same key won the race: answer as it did.
        existing = (
            await Interaction.get_or_none(author_id=user.id, idempotency_key=key) if key else None
        )
        if existing is None:
            raise
        return await _replay(viewer, existing)


async def _write(
    viewer: Viewer,
    customer: Customer,
    cleaned: dict[str, Any],
    settings: CompanySettings,
    occurred: datetime,
    follow_up_id: int | None,
    contacts: list[Contact],
    people: list[int],
) -> LogResult:
    user = viewer.require_user()
    kind = InteractionKind(cleaned["kind"])
    grade = Grade(cleaned["grade"])
    summary = summary_of(cleaned)
    async with in_transaction():
        # Lock the customer row first (PostgreSQL; SQLite runs one writer at a time anyway),
        # so two contacts logged at once for one customer run one after the other and the
        # second sees the first. A contact without a time happened "now": now once the lock
        # is held, so it is later than everything logged before it.
        await Customer.filter(id=customer.id).select_for_update().only("id")
        if not cleaned.get("occurred_at"):
            occurred = clock.now()
        contact_day = local_date(settings, occurred)
        # The customer's grade and schedule follow its latest contact: one conditional
        # UPDATE decides whether this is it and moves the customer on.
        moved: dict[str, Any] = {
            "grade": grade,
            "last_contact_at": occurred,
            "last_contact_kind": kind.value,
            "last_contact_summary": summary,
        }
        if grade != customer.grade:
            moved |= {"version": F("version") + 1, "updated_at": clock.now()}
        is_latest = bool(
            await Customer.filter(
                Q(last_contact_at__isnull=True) | Q(last_contact_at__lte=occurred), id=customer.id
            ).update(**moved)
        )
        fresh = await Customer.get(id=customer.id)
        grade_before = customer.grade if is_latest else await _grade_at(customer, occurred)
        interaction = await Interaction.create(
            customer_id=customer.id,
            author_id=user.id,
            kind=kind,
            occurred_at=occurred,
            summary=summary,
            needs=cleaned.get("needs", ""),
            problems=cleaned.get("problems", ""),
            outcome=cleaned.get("outcome", ""),
            next_step=cleaned.get("next_step", ""),
            satisfaction=cleaned.get("satisfaction"),
            grade_before=grade_before,
            grade_after=grade,
            idempotency_key=cleaned.get("idempotency_key") or None,
        )
        await InteractionParticipant.bulk_create(
            [InteractionParticipant(interaction_id=interaction.id, user_id=uid) for uid in people]
        )
        await InteractionContact.bulk_create(
            [
                InteractionContact(interaction_id=interaction.id, contact_id=c.id, name=c.name)
                for c in contacts
            ]
        )
        completed = await _complete_answered(
            fresh, interaction, kind, settings, occurred, follow_up_id
        )
        following = None
        if is_latest:
            following = await _schedule_next(
                fresh, cleaned, settings, contact_day, kind, completed, user.id
            )
            interaction.next_follow_up_id = following.id
            await interaction.save(update_fields=["next_follow_up_id"])
        service = await _reschedule_service(fresh, completed, settings, contact_day, user.id)
        changes: dict[str, Any] = {"kind": {"from": None, "to": kind.value}}
        if following is not None:
            changes["next_due_on"] = {"from": None, "to": following.due_on.isoformat()}
        if is_latest and grade != customer.grade:
            changes["grade"] = {"from": customer.grade.value, "to": grade.value}
        await audit.record(viewer, "interaction.log", "Interaction", interaction.id, changes)
    return LogResult(interaction, fresh, completed, following, service, is_latest=is_latest)


async def _grade_at(customer: Customer, moment: datetime) -> Grade:
    """The grade a customer had at a past moment: what the contact before it set; with none
    before it, what the first contact after it found; with neither, the grade it has now."""
    before = (
        await Interaction.filter(customer_id=customer.id, occurred_at__lte=moment)
        .order_by("-occurred_at", "-id")
        .limit(1)
        .values_list("grade_after", flat=True)
    )
    if before:
        return Grade(cast(str, before[0]))
    after = (
        await Interaction.filter(customer_id=customer.id, occurred_at__gt=moment)
        .order_by("occurred_at", "id")
        .limit(1)
        .values_list("grade_before", flat=True)
    )
    return Grade(cast(str, after[0])) if after else Grade(customer.grade)


async def _schedule_next(
    customer: Customer,
    cleaned: dict[str, Any],
    settings: CompanySettings,
    contact_day: date,
    kind: InteractionKind,
    completed: list[FollowUp],
    author_id: int,
) -> FollowUp:
    """The next cadence follow-up, counted from the contact's day, never before today.

    A cadence item still open was planned after this contact happened (a skip came round
    again, say): the latest contact sets the schedule, so that item is moved, not doubled.
    """
    plan = await ContactPlan.get_or_none(customer_id=customer.id)
    cadence = effective_cadence(settings, customer.grade, plan.frequency_days if plan else None)
    due = cleaned.get("next_due_on") or max(today(settings), next_due(contact_day, cadence))
    values: dict[str, Any] = {
        "assignee_id": customer.owner_id,
        "due_on": due,
        "kind": InteractionKind(cleaned.get("next_kind") or _next_kind(completed, kind)),
        "purpose": cleaned.get("next_purpose") or cleaned.get("next_step") or _focus(plan),
        "expected_products": plan.expected_products if plan else "",
        "expected_quantity": plan.expected_quantity if plan else None,
        "expected_amount_minor": plan.expected_amount_minor if plan else None,
    }
    slot = open_slot(customer.id, FollowUpOrigin.CADENCE)
    still_open = await FollowUp.get_or_none(open_slot=slot)
    if still_open is not None:
        await FollowUp.filter(id=still_open.id).update(
            **values, version=F("version") + 1, updated_at=clock.now()
        )
        return await FollowUp.get(id=still_open.id)
    return await FollowUp.create(
        customer_id=customer.id,
        origin=FollowUpOrigin.CADENCE,
        open_slot=slot,
        created_by_id=author_id,
        **values,
    )


def _focus(plan: ContactPlan | None) -> str:
    return plan.focus if plan else ""


def _next_kind(completed: list[FollowUp], logged: InteractionKind) -> InteractionKind:
    """Keep the rhythm the rep had: the kind of the cadence item just closed, else phone."""
    for item in completed:
        if item.origin == FollowUpOrigin.CADENCE:
            return InteractionKind(item.kind)
    return InteractionKind.PHONE if logged in SERVICE_KINDS else logged


SERVICE_KINDS = frozenset({InteractionKind.LEADERSHIP_VISIT, InteractionKind.INQUIRY_LETTER})


def _answers(
    item: FollowUp, kind: InteractionKind, settings: CompanySettings, contact_day: date
) -> bool:
    """Whether a contact of `kind` on `contact_day` does what an open item asks.

    A class-service item asks for a contact within its period (the interval before its
    due date): last year's visit does not stand for this year's.
    """
    origin = FollowUpOrigin(item.origin)
    if origin == FollowUpOrigin.CADENCE:
        return True
    rule = RULE_BY_ORIGIN.get(origin)
    if rule is None or kind not in rule.satisfied_by:
        return False
    return contact_day >= add_months(item.due_on, -rule.months(settings))


async def _complete_answered(
    customer: Customer,
    interaction: Interaction,
    kind: InteractionKind,
    settings: CompanySettings,
    occurred: datetime,
    follow_up_id: int | None,
) -> list[FollowUp]:
    """Close what the contact answers: the open cadence item, class-service items its kind
    satisfies within their period, and the one named by the caller. Only items that were
    already planned when the contact happened: a contact entered late does not close work
    planned after it."""
    contact_day = local_date(settings, occurred)
    origins = [FollowUpOrigin.CADENCE, *SERVICE_ORIGINS]
    answered = Q(origin__in=origins)
    if follow_up_id is not None:
        answered |= Q(id=follow_up_id)
    rows = await FollowUp.filter(
        answered,
        customer_id=customer.id,
        status=FollowUpStatus.OPEN,
        created_at__lt=occurred + TYPED_PRECISION,
    )
    rows = [r for r in rows if r.id == follow_up_id or _answers(r, kind, settings, contact_day)]
    now = clock.now()
    for row in rows:
        late = row.due_on < contact_day
        await FollowUp.filter(id=row.id, status=FollowUpStatus.OPEN).update(
            status=LIFECYCLE.target("answer"),
            open_slot=None,
            completed_at=now,
            completed_late=late,
            interaction_id=interaction.id,
            version=F("version") + 1,
            updated_at=now,
        )
        row.status, row.completed_at, row.completed_late = FollowUpStatus.DONE, now, late
        row.interaction_id, row.version, row.open_slot = interaction.id, row.version + 1, None
    return rows


async def _reschedule_service(
    customer: Customer,
    completed: list[FollowUp],
    settings: CompanySettings,
    contact_day: date,
    author_id: int,
) -> list[FollowUp]:
    """A class-service item just done comes round again while the class still calls for it,
    an interval after the contact and never before today."""
    owed = {rule.origin: rule for rule in rules_for(customer.abc_class)}
    created = []
    for item in completed:
        rule = owed.get(FollowUpOrigin(item.origin))
        if rule is None:
            continue
        assignee = await manager_of(customer.owner_id) if rule.to_manager else customer.owner_id
        created.append(
            await FollowUp.create(
                customer_id=customer.id,
                assignee_id=assignee,
                due_on=max(today(settings), add_months(contact_day, rule.months(settings))),
                kind=rule.kind,
                purpose=item.purpose,
                origin=rule.origin,
                open_slot=open_slot(customer.id, rule.origin),
                created_by_id=author_id,
            )
        )
    return created


TIMELINE_SORT = SortKey("occurred_at", descending=True, decode=DATETIME)


def interactions_of(customer_id: int) -> QuerySet[Interaction]:
    """A customer's logged contacts (the caller has checked the customer is visible)."""
    return Interaction.filter(customer_id=customer_id)


async def timeline(
    customer_id: int, args: PageArgs, columns: Sequence[str] | None = None
) -> Page[Any]:
    """A customer's contacts, newest first. The caller has checked the customer is visible.
    With `columns`, plain rows of those columns (see `paginate`)."""
    return await paginate(interactions_of(customer_id), TIMELINE_SORT, args, columns=columns)
