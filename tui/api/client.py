"""CrmClient: typed calls over the GraphQL API with gql on httpx, one area per module.

One client per signed-in session. The token is sent as a bearer header on each request, so a
login or logout changes it without a new connection. Every failure surfaces as one of the
errors in tui.api.errors; nothing else escapes to the screens. A new area adds its module
(documents, records, a *Calls class on Transport) and one base class here.
"""

from __future__ import annotations

from tui.api.access import AccessCalls
from tui.api.accounts import AccountsCalls
from tui.api.company import CompanyCalls
from tui.api.complaints import ComplaintsCalls
from tui.api.customers import CustomersCalls
from tui.api.followups import FollowUpsCalls
from tui.api.receivables import ReceivablesCalls


class CrmClient(
    AccountsCalls,
    CompanyCalls,
    CustomersCalls,
    FollowUpsCalls,
    AccessCalls,
    ComplaintsCalls,
    ReceivablesCalls,
):
    """Every call the terminal client makes, each returning typed records."""
