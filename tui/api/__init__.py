"""The terminal client's headless half: talks to the server over GraphQL, knows no Textual."""

from tui.api.client import CrmClient
from tui.api.errors import ApiError, NotAuthenticated, ServerUnreachable, UserErrors

__all__ = ["ApiError", "CrmClient", "NotAuthenticated", "ServerUnreachable", "UserErrors"]
