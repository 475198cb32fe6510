"""Who may do what: each role's permissions, in one table (docs/domain.md §9).

Services ask `viewer.may(Permission.X)` or `viewer.require(Permission.X, ...)`; nothing else
compares a role. Which *customers* a person may see or change depends on data as well (the
reporting line, access grants): that rule is server.domain.access.visibility, built on these.
"""

from __future__ import annotations

from enum import StrEnum

from server.domain.accounts.models import Role


class Permission(StrEnum):
    SEE_ALL = "see_all"
    SEE_TEAM = "see_team"
    OWN_CUSTOMERS = "own_customers"
    TRANSFER_CUSTOMERS = "transfer_customers"
    DECIDE_ACCESS_REQUESTS = "decide_access_requests"
    ANALYSE_CLASSES = "analyse_classes"
    READ_AUDIT_LOG = "read_audit_log"
    CHANGE_COMPANY_SETTINGS = "change_company_settings"
    HANDLE_COMPLAINTS = "handle_complaints"
    APPROVE_REMEDIES = "approve_remedies"
    WORK_RECEIVABLES = "work_receivables"
    APPROVE_CREDIT = "approve_credit"


PERMISSION_MEANING = {
    Permission.SEE_ALL: "Sees and changes every customer, queue and log entry.",
    Permission.SEE_TEAM: "Sees the customers, queues and log entries of everyone below them "
    "in the reporting line, and may change their customers.",
    Permission.OWN_CUSTOMERS: "May own customers (be their salesperson).",
    Permission.TRANSFER_CUSTOMERS: "Hands customers from one team member to another.",
    Permission.DECIDE_ACCESS_REQUESTS: "Reads every access request and grants or refuses them.",
    Permission.ANALYSE_CLASSES: "Reads and recomputes the ABC customer classes.",
    Permission.READ_AUDIT_LOG: "Reads the audit log (their team's part, or all of it).",
    Permission.CHANGE_COMPANY_SETTINGS: "Changes the company-wide rules.",
    Permission.HANDLE_COMPLAINTS: "Sees and triages (validates, assigns) every new complaint, "
    "and works those assigned to them or their department.",
    Permission.APPROVE_REMEDIES: "Approves or sends back the remedy proposed for a complaint "
    "(not their own), and reopens closed complaints.",
    Permission.WORK_RECEIVABLES: "Sees every customer's receivables and payments with the "
    "customer facts they need (not the whole archive), records debts and payments, and "
    "reverses payments.",
    Permission.APPROVE_CREDIT: "Approves write-offs of their team's customers' debts (not "
    "their own proposals), lets an order past a credit hold or limit with a reason, and "
    "places or releases credit holds.",
}

_MANAGING = frozenset(
    {
        Permission.SEE_TEAM,
        Permission.OWN_CUSTOMERS,
        Permission.TRANSFER_CUSTOMERS,
        Permission.DECIDE_ACCESS_REQUESTS,
        Permission.ANALYSE_CLASSES,
        Permission.READ_AUDIT_LOG,
        # Managers work their team's complaints through the customers they see; handling
        # (the triage queue of every customer) is the service department's.
        Permission.APPROVE_REMEDIES,
        Permission.APPROVE_CREDIT,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.SALES_REP: frozenset({Permission.OWN_CUSTOMERS}),
    Role.MANAGER: _MANAGING,
    Role.SERVICE: frozenset({Permission.HANDLE_COMPLAINTS}),
    Role.FINANCE: frozenset({Permission.WORK_RECEIVABLES}),
    Role.ADMIN: frozenset(Permission),
}


def role_may(role: Role | str | None, permission: Permission) -> bool:
    """Whether people in this role hold the permission; nobody (None) holds none."""
    return role is not None and permission in ROLE_PERMISSIONS[Role(role)]


def roles_with(permission: Permission) -> list[Role]:
    """The roles holding a permission, e.g. to find everyone who may own customers."""
    return [role for role, held in ROLE_PERMISSIONS.items() if permission in held]
