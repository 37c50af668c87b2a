"""The API's one pagination: `limit` and `offset` with upper bounds, so a 30-digit number is a 400 with a message, not
an integer overflow in the database (SQLite refuses ints beyond 64 bits, PostgreSQL beyond bigint: both were 500)."""

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class Paginated(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=settings.API_MAX_LIMIT, description="rows per answer")
        offset: int = Field(0, ge=0, le=settings.API_MAX_OFFSET, description="rows to skip")

    def __init__(self, **kwargs):
        super().__init__(max_limit=settings.API_MAX_LIMIT, **kwargs)
