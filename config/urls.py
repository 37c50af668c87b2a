from django.contrib import admin
from django.urls import include, path

from api.api import api
from core import health
from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("areas/", include("areas.urls")),
    path("accounts/", include("accounts.urls")),
    path("producers/", include("producers.urls")),
    path("products/", include("products.urls")),
    path("ideas/", include("products.workflow_urls")),
    path("evaluation/", include("evaluation.urls")),
    path("criteria/", include("evaluation.criteria_urls")),
    path("register/", include("certification.urls")),
    path("certificates/", include("certification.watch_urls")),
    path("verify/", include("certification.verify_urls")),
    path("ntm/", include("ntm.urls")),
    path("reports/", include("reports.urls")),
    path("catalog/", include("catalog.urls")),
    path("programme/", include("programme.urls")),
    path("imports/", include("imports.urls")),
    path("notifications/", include("notifications.urls")),
    path("audit/", include("core.urls")),
    path("i18n/choose/", core_views.choose_language, name="choose_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # Probes (core.health): public, unthrottled, cheap; not under a language or login.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("catalog.root_urls")),
]

handler400 = "core.views_errors.bad_request"
handler403 = "core.views_errors.forbidden"
handler404 = "core.views_errors.not_found"
handler500 = "core.views_errors.server_error"
