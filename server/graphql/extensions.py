"""Schema extensions: limits on what one request may ask, caches, and error masking.

Validation-rule classes are built once here, at import time. Building them per request
(e.g. `lambda: QueryDepthLimiter(...)`) makes a new class every time, and ValidationCache,
which keys on the rule classes, would never hit (strawberry issue 4635).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from server.settings import Settings

log = logging.getLogger("crm.graphql")


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """Unexpected exceptions reach the client as a generic message with the request id."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", "")
        log.error(
            "unexpected error in request %s at %s",
            request_id,
            error.path,
            exc_info=error.original_error,
        )
        masked = super().anonymise_error(error)
        masked.message = f"Internal server error (request id {request_id})."
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        return masked


def build_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    rules: list[type[ASTValidationRule]] = [
        depth_validator(settings.max_query_depth, None),
        alias_validator(settings.max_aliases),
    ]
    return [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        MaskUnexpectedErrors,
    ]
