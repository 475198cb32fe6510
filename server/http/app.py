"""The Starlette application: /graphql (queries and mutations over HTTP, subscriptions over
WebSocket, GraphiQL in a browser), /evidence, and the operator's /health, /ready, /metrics."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import orjson
from graphql import GraphQLError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.graphql import OperationType
from tortoise import Tortoise

from server.database.db import init_orm, pending_migrations
from server.domain.access.reach import REACH
from server.domain.accounts.services import user_for_token
from server.domain.accounts.sessions import SESSIONS
from server.domain.accounts.viewer import Viewer
from server.domain.audit.view_log import VIEW_LOG
from server.domain.company.currency import CURRENCY
from server.domain.complaints.evidence import readable_evidence
from server.domain.shared.blobs import DirectoryStore
from server.domain.shared.counts import COUNTS
from server.graphql.context import Context
from server.graphql.ids import parse_global_id
from server.graphql.schema import build_schema
from server.http.graphiql import ASSETS, ASSETS_PATH, offline_graphiql_html
from server.language.i18n import negotiate, request_language
from server.process import metrics
from server.process.hub import HUB
from server.process.logs import CURRENT, RequestFacts
from server.process.timed import SCHEDULER
from server.settings import Settings

log = logging.getLogger("crm.app")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (or keep a sane one the caller sent) and echo it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = sent if _SAFE_REQUEST_ID.match(sent) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodyLimitMiddleware:
    """Refuse request bodies over the limit before anything parses them. A multipart body
    (an evidence upload) may be `upload_bytes` larger: the file, beside the usual query."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_bytes: int = 0) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_bytes = upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        limit = self.max_bytes
        if headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data"):
            limit += self.upload_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _BodyTooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except _BodyTooLarge:
            await self._too_large(scope, receive, send, limit)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = JSONResponse(
            {"errors": [{"message": f"Request body larger than {limit} bytes."}]},
            status_code=413,
        )
        await response(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


class GraphQLShortcut:
    """Hand /graphql straight to the GraphQL app, past Starlette's exception middleware
    and router: nearly every request goes there, and matching it against the routes was a
    twentieth of a short read's time. Other paths and methods take the router as before."""

    def __init__(self, app: ASGIApp, graphql: ASGIApp) -> None:
        self.app = app
        self.graphql = graphql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == "/graphql"
            and scope["method"] in ("GET", "POST")
        ):
            await self.graphql(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _bearer(header: str | None) -> str | None:
    scheme, _, token = (header or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


@lru_cache(maxsize=256)
def _language(accept_language: str | None) -> str:
    """The catalogue for an Accept-Language header (a client sends the same one each time)."""
    return negotiate(accept_language)


class CrmGraphQL(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.serves_graphiql else None,
            # Evidence uploads (the multipart request spec). Off by default in Strawberry
            # against cross-site forms; here every request is signed in by a bearer
            # token, which a browser never sends on its own, so a forged form is anonymous.
            multipart_uploads_enabled=True,
            # Only the current protocol: the legacy graphql-ws one has no place here.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            # Each client needs a few subscriptions (queue, complaints, money, customer).
            max_subscriptions_per_connection=20,
        )
        self.settings = settings
        self._ide_html = offline_graphiql_html() if settings.serves_graphiql else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A plain JSON POST, nearly every request there is, is answered here; anything else
        (GET, uploads, streaming, batches, a malformed body) by Strawberry's view.

        Strawberry's view builds a request adapter, a sub-response, parses the content type
        with the email package and validates the body, for every request: a sixth of a
        customer read's time. The answer is the same (tests/server/test_http.py sends both
        kinds); refusals keep Strawberry's wording, since those requests are handed to it
        with their body replayed."""
        if scope["type"] != "http" or not _plain_json_post(scope):
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        body = await request.body()
        answered = await self._answer(request, body)
        if answered is None:
            await super().__call__(scope, _replay(body), send)
            return
        await answered(scope, receive, send)

    async def _answer(self, request: Request, body: bytes) -> Response | None:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(data, dict):
            return None
        query, variables = data.get("query"), data.get("variables")
        operation_name, extensions = data.get("operationName"), data.get("extensions")
        if (
            not isinstance(query, str)
            or not query
            or not isinstance(variables, dict | None)
            or not isinstance(operation_name, str | None)
            or not isinstance(extensions, dict | None)
        ):
            return None
        context = await self.get_context(request)
        try:
            result = await self.schema.execute(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
                allowed_operation_types=_POST_OPERATIONS,
                operation_extensions=extensions,
            )
        except (CannotGetOperationTypeError, InvalidOperationTypeError):
            # Refused before anything ran: Strawberry's view words the 400.
            return None
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            answer["errors"] = [error.formatted for error in result.errors]
        if result.extensions:
            answer["extensions"] = result.extensions
        return Response(self._capped(answer), media_type="application/json")

    def _capped(self, answer: dict[str, Any]) -> bytes:
        """The answer as JSON, or, when it is larger than the settings allow, an error in its
        place (the field count bounds most answers; long texts can still add up)."""
        body = orjson.dumps(answer)
        if len(body) <= self.settings.max_response_bytes:
            return body
        return orjson.dumps({"data": None, "errors": [self._too_large().formatted]})

    def _too_large(self) -> GraphQLError:
        limit = self.settings.max_response_bytes
        return GraphQLError(
            f"The answer would be larger than {limit:,} bytes; ask for smaller pages or "
            "fewer fields.",
            extensions={"code": "RESPONSE_TOO_LARGE", "maxBytes": limit},
        )

    def encode_json(self, data: object) -> str:
        """Answers as JSON, Chinese text as itself rather than \\u escapes (a third of the
        size for a page of Chinese names), with orjson's encoder, within the size limit (a
        WebSocket's `next` message carries an answer too). Text, not bytes: over a WebSocket
        Strawberry sends bytes as a binary frame, which graphql-transport-ws clients refuse."""
        body = orjson.dumps(data)
        if len(body) <= self.settings.max_response_bytes or not isinstance(data, dict):
            return body.decode()
        refusal = {"data": None, "errors": [self._too_large().formatted]}
        if "payload" in data:  # a graphql-transport-ws message: its answer is the payload
            return orjson.dumps({**data, "payload": refusal}).decode()
        return orjson.dumps(refusal).decode()

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._ide_html)

    async def on_ws_connect(self, context: Context) -> None:
        """A WebSocket signs in with its connection_init payload: {"Authorization": "Bearer
        …"} as over HTTP (or {"token": "…"}). Without a valid token the connection is
        refused (4403), before any subscription."""
        params = context.connection_params or {}
        token = None
        for key, value in params.items():
            if isinstance(value, str) and key.lower() == "authorization":
                token = _bearer(value)
            elif isinstance(value, str) and key == "token":
                token = value.strip() or None
        user = await user_for_token(token) if token else None
        if user is None:
            raise ConnectionRejectionError({"message": "Sign in: send a valid bearer token."})
        context.viewer = Viewer(user=user, request_id=context.request_id)
        context.token = token
        context.currency = await CURRENCY.apply()

    async def get_context(self, request: Any, response: Any = None) -> Context:
        # Read off the raw headers in one pass: Starlette's Headers object, built per
        # access, was most of this method's time.
        authorization = accept_language = None
        for name, value in request.scope.get("headers", ()):
            if name == b"authorization":
                authorization = value.decode("latin-1")
            elif name == b"accept-language":
                accept_language = value.decode("latin-1")
        token = _bearer(authorization) if isinstance(request, Request) else None
        user = await user_for_token(token) if token else None
        request_id = request.scope.get("state", {}).get("request_id") or uuid.uuid4().hex
        # What this request logs carries who asked (its operation is named when it runs).
        CURRENT.set(RequestFacts(request_id, user.username if user else None, None))
        client = request.client if isinstance(request, Request) else None
        # Messages people read (userErrors) come in the language the request asks for.
        request_language.set(_language(accept_language))
        return Context(
            viewer=Viewer(user=user, request_id=request_id),
            settings=self.settings,
            # Anonymous requests read no amounts (nor the settings row for their label).
            currency=await CURRENCY.apply() if user is not None else "CNY",
            token=token,
            client_address=client.host if client else "unknown",
        )


_POST_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})


def _plain_json_post(scope: Scope) -> bool:
    """A POST of a JSON body that asks for a JSON answer (not a stream)."""
    if scope["method"] != "POST":
        return False
    content_type = accept = b""
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value
        elif name == b"accept":
            accept = value
    media_type = content_type.partition(b";")[0].strip().lower()
    return media_type == b"application/json" and not (
        b"multipart/mixed" in accept or b"text/event-stream" in accept
    )


def _replay(body: bytes) -> Receive:
    """A receive that hands over a body already read, then waits for the disconnect."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def download_evidence(request: Request) -> Response:
    """GET /evidence/<id>: an evidence file, to whoever may read its complaint (the bearer
    token, as for /graphql). Missing and not allowed answer alike: 404."""
    token = _bearer(request.headers.get("authorization"))
    user = await user_for_token(token) if token else None
    if user is None:
        return JSONResponse(
            {"error": "Sign in: send Authorization: Bearer <token>."},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    settings: Settings = request.app.state.settings
    evidence_id = parse_global_id(request.path_params["id"], "ComplaintEvidence")
    found = (
        await readable_evidence(Viewer(user=user), evidence_id) if evidence_id is not None else None
    )
    data = await DirectoryStore(settings.evidence_path).get(found.sha256) if found else None
    if found is None or data is None:
        return JSONResponse({"error": "No such file, or it is not visible to you."}, 404)
    return Response(
        data,
        media_type=str(found.content_type),
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


async def health(request: Request) -> Response:
    """Alive: the process answers (a load balancer's liveness probe; touches nothing)."""
    return Response(json.dumps({"status": "ok"}), media_type="application/json")


_MIGRATIONS_CHECKED_SECONDS = 60.0
_migrations_current_until = 0.0


async def ready(request: Request) -> Response:
    """Ready for traffic: the database answers and has every migration this version needs
    (503 with the reason otherwise). A current answer is remembered for a minute."""
    global _migrations_current_until
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
        if time.monotonic() >= _migrations_current_until:
            pending = await pending_migrations()
            if pending:
                return JSONResponse(
                    {"status": "outdated", "pendingMigrations": pending}, status_code=503
                )
            _migrations_current_until = time.monotonic() + _MIGRATIONS_CHECKED_SECONDS
    except Exception as exc:
        log.warning("readiness check failed: %s", type(exc).__name__)
        return JSONResponse({"status": "unavailable", "reason": "database"}, status_code=503)
    return JSONResponse({"status": "ready"})


async def metrics_page(request: Request) -> Response:
    """Prometheus metrics (requests, latency, pool, subscriptions)."""
    metrics.observe_pool()
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)


def create_app(settings: Settings | None = None, *, manage_orm: bool = True) -> Starlette:
    """Build the app. `manage_orm=False` leaves Tortoise to the caller (tests, embedding)."""
    settings = settings or Settings.from_env()
    SESSIONS.seconds = settings.session_cache_seconds
    REACH.seconds = settings.session_cache_seconds
    VIEW_LOG.flush_seconds = settings.view_log_flush_seconds
    COUNTS.seconds = settings.count_cache_seconds
    CURRENCY.seconds = settings.session_cache_seconds
    SCHEDULER.seconds = settings.timed_work_seconds
    graphql_app = CrmGraphQL(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_orm:
            yield
            return
        await init_orm(settings)
        VIEW_LOG.start()
        await HUB.start(settings)
        if settings.timed_work_seconds > 0:
            SCHEDULER.start()
        try:
            yield
        finally:
            await SCHEDULER.stop()
            await HUB.stop()
            await VIEW_LOG.stop()
            await Tortoise.close_connections()

    app = Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),
            Route("/health", health, methods=["GET"]),
            Route("/ready", ready, methods=["GET"]),
            Route("/metrics", metrics_page, methods=["GET"]),
            Route("/evidence/{id}", download_evidence, methods=["GET"]),
            *(
                [Mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="graphiql-assets")]
                if settings.serves_graphiql
                else []
            ),
        ],
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(
                BodyLimitMiddleware,
                max_bytes=settings.max_body_bytes,
                upload_bytes=settings.max_evidence_bytes,
            ),
            Middleware(GraphQLShortcut, graphql=graphql_app),
        ],
        lifespan=lifespan,
        debug=False,
    )
    app.state.settings = settings
    app.state.graphql = graphql_app
    return app


def app_from_env() -> Starlette:
    """One worker's app under `crm-server serve --workers N`: its settings from CRM_*."""
    from server.process.logs import configure

    settings = Settings.from_env()
    configure(settings.logs_json)
    return create_app(settings)
