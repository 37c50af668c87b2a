"""The one Ninja API object at /api/v1; each app contributes a router from <app>/api.py."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from core.errors import DomainError

api = NinjaAPI(
    title="OCOP – NTM API",
    version="1",
    description="API của hệ thống quản lý Chương trình OCOP và Nông thôn mới. Xác thực: `Authorization: Bearer <mã>`.",
    urls_namespace="api",
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


_register()
