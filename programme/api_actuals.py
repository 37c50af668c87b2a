"""Placeholder: filled by issue 17."""

from ninja import Router

from api.auth import AUTH

router = Router(tags=["programme"], auth=AUTH)
