"""Public, read-only report endpoints (CONTRACT §6). The NTM report is mounted beside it by ntm.api."""

from django.conf import settings
from ninja import Query, Router
from ninja.throttling import AnonRateThrottle

from api.schemas import ErrorOut
from areas.queries import get_unit
from reports.queries import ocop_figures, parse_as_of

router = Router(tags=["reports"])

# Figures are public: anyone may ask, but not fast enough to stand in for a database dump.
throttle = AnonRateThrottle(getattr(settings, "REPORTS_API_RATE", "120/m"))


@router.get(
    "/ocop",
    auth=None,
    throttle=[throttle],
    response={200: dict, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Số liệu OCOP tại một ngày, cho một địa bàn",
)
def ocop_report(request, as_of: str = Query(..., max_length=20), area: str = Query(..., max_length=20)):
    """Products holding a certificate valid on `as_of` whose place lies in `area` (either boundary scheme), with the
    area's potential 5★ products (proposed to the ministry, not yet decided there) beside them: docs/ocop-figures.md."""
    day = parse_as_of(as_of)
    return ocop_figures(get_unit(area), day)
