"""The project's URLs plus `/bench-trivial/`: a view that does nothing, served through the same middleware, the
baseline of the page and load benchmarks (selected by bench.settings' ROOT_URLCONF; never in production)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench-trivial/", trivial), *project_urlpatterns]
