"""Records every area's answers share: money and people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Permission names as the server's Permission enum spells them (schema.graphql); the
# client shows or hides actions by these, never by the role.
SEE_ALL = "SEE_ALL"
SEE_TEAM = "SEE_TEAM"
TRANSFER_CUSTOMERS = "TRANSFER_CUSTOMERS"
DECIDE_ACCESS_REQUESTS = "DECIDE_ACCESS_REQUESTS"
OWN_CUSTOMERS = "OWN_CUSTOMERS"
HANDLE_COMPLAINTS = "HANDLE_COMPLAINTS"
WORK_RECEIVABLES = "WORK_RECEIVABLES"
APPROVE_CREDIT = "APPROVE_CREDIT"
PERMISSIONS = (
    SEE_ALL,
    SEE_TEAM,
    TRANSFER_CUSTOMERS,
    DECIDE_ACCESS_REQUESTS,
    OWN_CUSTOMERS,
    HANDLE_COMPLAINTS,
    WORK_RECEIVABLES,
    APPROVE_CREDIT,
)


@dataclass(frozen=True)
class Money:
    """An exact amount as the server sends it: a decimal string and a currency code."""

    amount: str
    currency: str

    @classmethod
    def parse(cls, d: dict[str, Any] | None) -> Money | None:
        return cls(str(d["amount"]), str(d["currency"])) if d else None


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    role: str = ""
    permissions: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """How colleagues see the user: the display name, else the login name."""
        return self.display_name or self.username

    def may(self, permission: str) -> bool:
        """Whether the server says this user's role allows it (User.permissions)."""
        return permission in self.permissions

    @property
    def sees_team(self) -> bool:
        """Managers (their line) and administrators (everyone): the team view."""
        return self.may(SEE_TEAM) or self.may(SEE_ALL)

    @property
    def works_credit(self) -> bool:
        """Finance (every customer) and managers (their line): holds and write-offs."""
        return self.may(WORK_RECEIVABLES) or self.may(APPROVE_CREDIT)

    @property
    def opens_on_complaints(self) -> bool:
        """Complaint handlers who own no customers (the service department): their home
        screen is the complaint board."""
        return self.may(HANDLE_COMPLAINTS) and not self.may(OWN_CUSTOMERS)

    @property
    def opens_on_collections(self) -> bool:
        """Finance staff, who own no customers: their home screen is collections."""
        return self.may(WORK_RECEIVABLES) and not self.may(OWN_CUSTOMERS)

    @classmethod
    def parse(cls, d: dict[str, Any]) -> User:
        return cls(
            d["id"],
            d["username"],
            d.get("displayName") or "",
            d.get("role") or "",
            tuple(d.get("permissions") or ()),
        )
