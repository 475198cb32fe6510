"""Every query, mutation and subscription of schema.graphql is reached from the terminal
client for the role that needs it, or stands on the API-only list with its reason.

NOT_YET is what issue 27 still has to bring into the client: it only shrinks. When a
screen starts using a field, the test says to take it off the list."""

from __future__ import annotations

from pathlib import Path

from graphql import FieldNode, OperationDefinitionNode, build_schema, parse

from tui.api.operations import ALL, SUBSCRIPTIONS

SCHEMA = Path(__file__).resolve().parents[2] / "schema.graphql"

# Reviewed: root fields for other programs, each with why no screen needs it.
API_ONLY = {
    "query enumMeanings": "what each enum value means in the language asked, for clients that "
    "show choices to people; the terminal client has its own glossary (tui/locale)",
    "query nodes": "many objects by global ID in one call, for integrators syncing records; "
    "the client opens one object at a time (node) or reads lists",
    "query receivables": "the company's debts as one list, for an ERP to reconcile; finance "
    "works them per customer (account), by ladder step (collections) and by age (aging)",
    "query payments": "the company's payments as one list, for an ERP to reconcile; finance "
    "sees them on each customer's account",
}

# Not in the client yet (issue 27), by the role that will use it.
NOT_YET = {
    "query auditLog": "managers and the administrator: the audit log",
    "query complaintAnalysis": "service and managers: the complaint analysis",
    "query complaintLessons": "service: the lessons register",
    "query complaints": "service: closed and rejected complaints",
    "query customerClassAnalysis": "managers: the ABC analysis and Pareto chart",
    "query salesActivity": "managers: sales-process monitoring",
    "mutation companySettingsUpdate": "the administrator: company settings",
    "mutation customerClassesRecompute": "managers: recompute the classes",
    "mutation customerRestore": "reps and managers: restore an archived customer",
    "mutation customerTransferAll": "managers and the administrator: hand over a book",
    "mutation followUpCreate": "reps: schedule a follow-up by hand",
    "mutation followUpUpdate": "reps: change a follow-up's purpose or kind",
    "mutation paymentAllocate": "finance: apply a payment or credit to named debts",
    "mutation receivableCreate": "finance: enter a debt by hand",
    "mutation userDeactivate": "the administrator: a user leaves, with the hand-over",
}


def _root_fields() -> set[str]:
    schema = build_schema(SCHEMA.read_text())
    found = set()
    for kind, root in (
        ("query", schema.query_type),
        ("mutation", schema.mutation_type),
        ("subscription", schema.subscription_type),
    ):
        if root is not None:
            found |= {f"{kind} {name}" for name in root.fields}
    return found


def _used_by_the_client() -> set[str]:
    used = set()
    for document in {**ALL, **SUBSCRIPTIONS}.values():
        for definition in parse(document).definitions:
            if isinstance(definition, OperationDefinitionNode):
                kind = definition.operation.value
                for selection in definition.selection_set.selections:
                    if isinstance(selection, FieldNode):
                        used.add(f"{kind} {selection.name.value}")
    return used


def test_every_root_field_is_in_the_client_or_on_a_list() -> None:
    left = _root_fields() - _used_by_the_client() - set(API_ONLY) - set(NOT_YET)
    assert not left, f"reached by no screen and on no list: {sorted(left)}"


def test_the_lists_hold_only_what_the_client_does_not_use() -> None:
    used = _used_by_the_client()
    done = sorted(name for name in NOT_YET if name in used)
    assert not done, f"now in the client: take these off NOT_YET: {done}"
    assert not [name for name in API_ONLY if name in used]
    assert set(API_ONLY) | set(NOT_YET) <= _root_fields(), "a listed field is gone"
    assert all(reason.strip() for reason in {**API_ONLY, **NOT_YET}.values())
