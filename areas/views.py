from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from areas import queries
from areas.choices import Level, Scheme
from areas.models import PendingSuccession
from core import audit
from core.errors import DomainError
from core.htmx import page_or_partial


def index(request):
    scheme = request.GET.get("scheme") or Scheme.S2025
    if scheme not in Scheme.values:
        scheme = Scheme.S2025
    return render(
        request,
        "areas/index.html",
        {
            "scheme": scheme,
            "schemes": Scheme.choices,
            "provinces": queries.provinces(scheme),
        },
    )


def pick(request):
    """The picker's options: up to 20 units whose names hold every word typed, newest scheme first."""
    from areas.forms import pick_label

    text = request.GET.get("q") or next((v for k, v in request.GET.items() if k not in ("level", "scheme")), "")
    level = request.GET.get("level") or None
    units = queries.search_units(text.strip(), level=level).order_by("-scheme", "level", "search_name")[:20]
    return render(request, "core/widgets/picker_options.html", {"options": [pick_label(unit) for unit in units]})


def search(request):
    text = request.GET.get("q", "").strip()
    scheme = request.GET.get("scheme") or ""
    level = request.GET.get("level") or ""
    results = queries.search_units(text, scheme=scheme or None, level=level or None) if text else None
    page = Paginator(results, 50).get_page(request.GET.get("page")) if results is not None else None
    return page_or_partial(
        request,
        "areas/search.html",
        {
            "q": text,
            "scheme": scheme,
            "level": level,
            "page": page,
            "schemes": Scheme.choices,
            "levels": Level.choices,
        },
        "results",
    )


def unit(request, area_id: str):
    try:
        unit = queries.get_unit(area_id)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    ancestors = []
    parent = unit.parent
    while parent is not None:
        ancestors.insert(0, parent)
        parent = parent.parent
    return render(
        request,
        "areas/unit.html",
        {
            "unit": unit,
            "ancestors": ancestors,
            "children": queries.children_of(unit),
            "predecessors": queries.predecessors_of(unit),
            "successors": queries.successors_of(unit),
            "pending": PendingSuccession.objects.filter(unit=unit).first(),
            "history": audit.history(unit, request.user)[:20],
        },
    )
