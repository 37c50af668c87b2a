"""Schemas shared by every router. Kept out of api/api.py, which imports the routers (a router importing it back would
be a circular import)."""

from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import BeforeValidator, WithJsonSchema

from api.pagination import Paginated  # noqa: F401  (re-exported: routers take both from here)


class ErrorOut(Schema):
    """Every refusal of the API: 400 bad input, 401 no or bad credentials, 403 not allowed, 404 not found or outside the
    caller's areas, 409 conflict, 413 body too large, 429 too many requests."""

    detail: str
    field: str | None = None


# The usual error answers of an operation, to merge into its `response=`: {200: Out, **ERRORS}.
PUBLIC_ERRORS = {400: ErrorOut, 404: ErrorOut, 413: ErrorOut, 429: ErrorOut}  # no login at all (auth=None)
OPTIONAL_AUTH_ERRORS = {**PUBLIC_ERRORS, 401: ErrorOut}  # api.auth.PUBLIC: a wrong token is refused
ERRORS = {**OPTIONAL_AUTH_ERRORS, 403: ErrorOut}  # api.auth.AUTH


# A decimal in a request body: a JSON number, or its text (as spreadsheets and forms send it), at most this long, so a
# megabyte of digits is refused before it is parsed. Bounds (ge, le) stay on each field.
DECIMAL_TEXT_MAX = 40


def _short_decimal_text(value):
    if isinstance(value, str) and len(value) > DECIMAL_TEXT_MAX:
        raise ValueError(f"at most {DECIMAL_TEXT_MAX} characters")
    return value


DecimalIn = Annotated[
    Decimal,
    BeforeValidator(_short_decimal_text),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "maxLength": DECIMAL_TEXT_MAX}]}),
]
