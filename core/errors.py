"""Domain errors: refusals with a message a user can act on.

Services raise them; views, API endpoints, commands and imports translate them (a form error, a 400, a row error).
"""


class DomainError(Exception):
    """A rule of the programme refused the operation. `message` is shown to the user as is."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.__class__.__name__

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    """The object does not exist or lies outside the actor's scope; both answer the same, so scope does not leak."""

    status = 404


class PermissionRefused(DomainError):
    """The actor holds the object in scope but their role does not allow this action."""

    status = 403


def refusal_body(path: str, message: str) -> tuple[bytes, str]:
    """A refusal answered before any view (size, rate, hostile input): `{"detail": …}` under /api/, as the API's own
    errors, plain text elsewhere. Returns the body and its content type."""
    if path.startswith("/api/"):
        import json

        return json.dumps({"detail": message}).encode(), "application/json"
    return message.encode(), "text/plain; charset=utf-8"


def refusal_response(path: str, message: str, status: int):
    from django.http import HttpResponse

    content, content_type = refusal_body(path, message)
    return HttpResponse(content, status=status, content_type=content_type)


class BulkRefused(DomainError):
    """A bulk write refused because of one of its items: `index` is its position in the list given."""

    def __init__(self, exc: DomainError, index: int):
        super().__init__(exc.message, field=exc.field, code=getattr(exc, "code", None))
        self.index = index
