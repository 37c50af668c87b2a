"""Public, read-only report endpoints (CONTRACT §6). The NTM report is mounted beside it by ntm.api."""

from ninja import Query, Router
from ninja.decorators import decorate_view

from api.auth import PUBLIC
from api.schemas import OPTIONAL_AUTH_ERRORS
from areas.queries import report_area
from core.pagecache import public_page
from reports.queries import NATIONWIDE_ACTION, ocop_figures, parse_as_of

router = Router(tags=["reports"])


@router.get(
    "/ocop",
    auth=PUBLIC,  # anyone may ask (a wrong token is a 401); core.ratelimit limits the rate (RATE_LIMITS)
    response={200: dict, **OPTIONAL_AUTH_ERRORS},
    summary="Số liệu OCOP tại một ngày, cho một địa bàn",
)
# An anonymous caller's JSON is kept until the records change (core.pagecache); no Cache-Control is promised here.
@decorate_view(public_page("api-report-ocop", max_age=None))
def ocop_report(request, as_of: str = Query(..., max_length=20), area: str = Query(..., max_length=20)):
    """Products holding a certificate valid on `as_of` whose place lies in `area` (either boundary scheme), with the
    area's potential 5★ products (proposed to the ministry, not yet decided there) beside them: docs/ocop-figures.md.
    `area=vn` is the whole country (the provinces of the scheme valid on `as_of`; `vn@pre2025` / `vn@2025` choose
    the scheme), for a reader whose scope is nationwide; anyone else gets the 404 of an unknown area."""
    day = parse_as_of(as_of)
    return ocop_figures(report_area(area, day, user=request.auth, action=NATIONWIDE_ACTION), day)
