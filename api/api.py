"""The one Ninja API object at /api/v1; each app contributes a router from <app>/api.py."""

import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

# The shared error schema and pagination live in api.schemas, which the routers import without a cycle.
from api.schemas import ERRORS, OPTIONAL_AUTH_ERRORS, PUBLIC_ERRORS, ErrorOut, Paginated  # noqa: F401
from core.errors import DomainError
from core.hostile import FORBIDDEN

logger = logging.getLogger(__name__)


class BadBody(ValueError):
    """A JSON body that is not JSON, or holds text no column can store."""


def _check_text(value):
    if isinstance(value, str):
        if FORBIDDEN.search(value):
            raise BadBody(_("Nội dung gửi lên chứa ký tự không hợp lệ (ký tự NUL hoặc nửa cặp UTF-16)."))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


class StrictJsonParser(Parser):
    """JSON bodies as the default parser reads them, refusing NUL and unpaired surrogates ("\\u0000", "\\ud800"):
    PostgreSQL cannot store either and the driver's error would be a 500. (Query strings and forms: core.hostile.)"""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError) as exc:  # also invalid UTF-8 and nesting deep enough to exhaust the stack
            raise BadBody(_("Nội dung gửi lên không phải JSON hợp lệ.")) from exc
        _check_text(data)
        return data


api = NinjaAPI(
    title="OCOP – NTM API",
    version="1",
    description="API của hệ thống quản lý Chương trình OCOP và Nông thôn mới. Xác thực: `Authorization: Bearer <mã>`.",
    urls_namespace="api",
    parser=StrictJsonParser(),
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Cần đăng nhập hoặc mã truy cập hợp lệ."}, status=401)


@api.exception_handler(ValidationError)
def invalid(request, exc: ValidationError):
    problems = []
    for err in exc.errors:
        where = ".".join(str(p) for p in err.get("loc", []) if p not in ("query", "body", "path"))
        problems.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
    return api.create_response(request, {"detail": "; ".join(problems), "errors": exc.errors}, status=400)


@api.exception_handler(DjangoValidationError)
def django_invalid(request, exc):
    return api.create_response(request, {"detail": "; ".join(exc.messages)}, status=400)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    # Ninja wraps a parser's error as "Cannot parse request body": give the parser's own (Vietnamese) message.
    cause = exc.__cause__
    message = str(cause) if isinstance(cause, BadBody) else str(exc)
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    return api.create_response(
        request,
        {"detail": _("Nội dung gửi lên quá lớn (tối đa %(n)s byte).") % {"n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}},
        status=413,
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request, exc):
    """Last line of defence: a value the database cannot hold (a number beyond 64 bits, text beyond a column) is bad
    input, not a server error. Logged, since it means a bound is missing in a schema."""
    logger.warning("API input the database refused on %s: %s", request.path, exc)
    return api.create_response(request, {"detail": _("Giá trị gửi lên vượt quá giới hạn cho phép.")}, status=400)


def _register():
    from accounts.api import router as accounts_router
    from areas.api import router as areas_router
    from core.api import router as core_router

    api.add_router("/areas", areas_router)
    api.add_router("/accounts", accounts_router)
    api.add_router("/audit", core_router)
    from producers.api import router as producers_router
    from products.api import router as products_router

    api.add_router("/producers", producers_router)
    api.add_router("/products", products_router)
    from certification.api import router as certification_router
    from certification.api import verify_router

    api.add_router("/verify", verify_router)
    api.add_router("/certification", certification_router)
    from evaluation.api import router as evaluation_router

    api.add_router("/evaluation", evaluation_router)
    from evaluation.criteria_api import router as criteria_router

    api.add_router("/criteria", criteria_router)
    from ntm.api import report_router as ntm_report_router
    from ntm.api import router as ntm_router
    from reports.api import router as reports_router

    api.add_router("/reports", reports_router)
    api.add_router("/reports/ntm", ntm_report_router)
    api.add_router("/ntm", ntm_router)
    from programme.api import router as programme_router

    api.add_router("/programme", programme_router)


_register()
