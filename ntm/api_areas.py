"""API of the NTM areas (issue 18), mounted by api/api.py under /api/v1/ntm/."""

from ninja import Router

from api.auth import AUTH

router = Router(tags=["ntm"], auth=AUTH)
