"""The wire: one gql session over httpx, the bearer token, and every failure turned into
one of the errors in tui.api.errors (nothing else reaches the screens)."""

from __future__ import annotations

from typing import Any

import httpx
from gql import Client, GraphQLRequest
from gql.transport.exceptions import (
    TransportConnectionFailed,
    TransportError,
    TransportQueryError,
    TransportServerError,
)
from gql.transport.httpx import HTTPXAsyncTransport

from tui.api.errors import ApiError, FieldError, NotAuthenticated, ServerUnreachable, UserErrors
from tui.api.records import User
from tui.api.vocabulary import UNAUTHENTICATED
from tui.i18n import _, language

# One object of a GraphQL answer, as gql decodes it.
Json = dict[str, Any]


class Transport:
    """What every area's calls stand on: `_execute` a query, `_mutate` with userErrors."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        timeout: float = 15,
        **httpx_options: Any,
    ) -> None:
        """`httpx_options` go to httpx.AsyncClient: tests pass an ASGI transport there to
        reach an in-process server."""
        self.url = url
        self.token = token
        self.user: User | None = None
        self._httpx_options = {"timeout": timeout, **httpx_options}
        self._transport = HTTPXAsyncTransport(url, timeout=timeout, **httpx_options)
        self._client = Client(transport=self._transport, execute_timeout=timeout)
        self._session: Any = None
        # The versions this client's own writes produced, by object id: a live change
        # that only reports one of them is not someone else's (see `wrote`).
        self._written: dict[str, int] = {}

    async def close(self) -> None:
        """End the HTTP session; the next call opens a new one."""
        if self._session is not None:
            self._session = None
            await self._client.close_async()

    async def _execute(
        self, document: str, variables: Json | None = None, *, upload_files: bool = False
    ) -> Json:
        """Send one operation; with `upload_files`, as a multipart request carrying the
        FileVar values among the variables."""
        if self._session is None:
            try:
                self._session = await self._client.connect_async()
            except (httpx.HTTPError, OSError) as exc:
                raise ServerUnreachable(self.url, str(exc) or type(exc).__name__) from exc
        headers = {"Accept-Language": language().replace("_", "-")}  # not text
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"  # not text
        request = GraphQLRequest(document, variable_values=variables or {})
        try:
            answer: Json = await self._session.execute(
                request, extra_args={"headers": headers}, upload_files=upload_files
            )
            return answer
        except TransportQueryError as exc:
            codes = [((e.get("extensions") or {}).get("code")) for e in exc.errors or []]
            if UNAUTHENTICATED in codes:
                raise NotAuthenticated(str(exc)) from exc
            messages = [e.get("message", "") for e in exc.errors or []] or [str(exc)]
            raise ApiError("; ".join(messages)) from exc
        except TransportServerError as exc:
            raise ApiError(
                _("The server failed ({code}): {exc}").format(code=exc.code, exc=exc)
            ) from exc
        except (TransportConnectionFailed, httpx.TransportError, OSError, TimeoutError) as exc:
            raise ServerUnreachable(self.url, str(exc) or type(exc).__name__) from exc
        except TransportError as exc:
            raise ApiError(str(exc)) from exc

    async def _mutate(
        self, document: str, name: str, variables: Json, *, upload_files: bool = False
    ) -> Json:
        """Run a mutation; its userErrors raise UserErrors (nothing was written)."""
        payload: Json = (await self._execute(document, variables, upload_files=upload_files))[name]
        if payload["userErrors"]:
            raise UserErrors([_field_error(e) for e in payload["userErrors"]])
        _note_versions(payload, self._written)
        return payload

    def wrote(self, object_id: str, version: int | None) -> bool:
        """Whether this client's own write brought the object to `version` (a change heard
        live that is one's own is not news)."""
        return version is not None and self._written.get(object_id) == version


def _note_versions(found: Any, into: dict[str, int]) -> None:
    """Every object in a mutation's answer that carries an id and a version."""
    if isinstance(found, dict):
        if isinstance(found.get("id"), str) and isinstance(found.get("version"), int):
            into[found["id"]] = max(found["version"], into.get(found["id"], 0))
        for value in found.values():
            _note_versions(value, into)
    elif isinstance(found, list):
        for value in found:
            _note_versions(value, into)


def _field_error(e: Json) -> FieldError:
    path = [p for p in (e.get("field") or []) if p != "input"]
    return FieldError(".".join(path), e["code"], e["message"])
