"""Schemas shared by every router. Kept out of api/api.py, which imports the routers (a router importing it back would
be a circular import)."""

from ninja import Schema

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
