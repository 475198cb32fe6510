"""The PostgreSQL engine for Tortoise: asyncpg's, without the reset query after every use.

asyncpg sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;` each time
a connection goes back to the pool, which outside a transaction is after every statement:
half the round trips of a read. The server keeps no session state on pooled connections
(no SET, no session advisory locks, no cursors, no LISTEN; live updates will LISTEN on a
connection of their own), so there is nothing to reset. What asyncpg does regardless stays:
a connection given back inside a transaction is rolled back before anyone else gets it.
"""

from __future__ import annotations

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient


class NoResetConnection(asyncpg.connection.Connection):
    """A pooled connection that sends nothing when released (see the module's docstring)."""

    def get_reset_query(self) -> str:
        return ""


class CrmAsyncpgClient(AsyncpgDBClient):
    connection_class = NoResetConnection


# What Tortoise looks for in an engine module.
client_class = CrmAsyncpgClient
