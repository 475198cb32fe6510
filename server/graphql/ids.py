"""Global IDs as this API writes them, read back into database ids."""

from __future__ import annotations

from strawberry import relay

from server.domain.shared.errors import not_found
from server.domain.shared.ids import db_id


def decode_id(gid: relay.GlobalID, type_name: str, field: str) -> int:
    """The database id inside a global ID, checked to be of the expected type."""
    pk = db_id(gid.node_id) if gid.type_name == type_name else None
    if pk is None:
        raise not_found(type_name, field)
    return pk


def parse_global_id(text: str, type_name: str) -> int | None:
    """The database id in a global ID written as text (a file, a CLI argument), or None."""
    try:
        gid = relay.GlobalID.from_id(text)
    except Exception:  # not base64, or not "Type:id" inside: simply not an ID
        return None
    return db_id(gid.node_id) if gid.type_name == type_name else None
