"""The dossier's printed forms as PDFs (26/2026/QĐ-TTg Phụ lục III), laid out like the printed forms: HTML templates
products/pdf/mau-0N.html rendered with WeasyPrint, as certification/documents.py and evaluation/documents.py do.

These functions render what is stored; who may download what is the views' business (the dossier in the reader's scope).
"""

import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from products import dossier_forms
from products.choices import DossierKind
from products.models import ProductCategory

TEMPLATES = {
    "mau-01": "products/pdf/mau-01.html",
    "mau-02": "products/pdf/mau-02.html",
    "mau-03": "products/pdf/mau-03.html",
}
FILENAMES = {
    "mau-01": "mau-01-phieu-dang-ky",
    "mau-02": "mau-02-bao-cao-tu-danh-gia",
    "mau-03": "mau-03-bao-cao-cua-xa",
}


def _pdf(html: str) -> bytes:
    """HTML → PDF; the fetcher refuses every scheme but data:, so nothing typed into a form can make it read a file."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()


def _day(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def in_sentence(name: str) -> str:
    """ "Xã Thanh Nưa" → "xã Thanh Nưa": a unit's name inside a sentence ("Ủy ban nhân dân xã Thanh Nưa")."""
    return name[:1].lower() + name[1:] if name else name


def _category(code: str):
    """(ngành, nhóm, phân nhóm) names of a 26/2026 phân nhóm code (Phụ lục I)."""
    if not code:
        return None
    sub = (
        ProductCategory.objects.filter(system="2026", level="subgroup", code=code)
        .select_related("parent__maps_to")
        .first()
    )
    if sub is None:
        return None
    group = sub.parent
    return {"nganh": group.maps_to.name if group.maps_to else "", "nhom": group.name, "phan_nhom": sub.name}


def form_context(code: str, dossier, *, now=None) -> dict:
    from products import workflow

    now = timezone.localtime(now or timezone.now())
    product = dossier.product
    commune = workflow.receiving_commune(product)
    province = commune.province
    data = dict(getattr(dossier, dossier_forms.FORM_FIELDS[code]) or {})
    context = {
        "dossier": dossier,
        "product": product,
        "producer": product.producer,
        "commune": commune,
        "province": province,
        "commune_in_sentence": in_sentence(commune.name),
        "province_in_sentence": in_sentence(province.name) if province else "",
        "f": data,
        "signed_on": _day(data.get("ngay_ky")),
        "kinds": DossierKind,
        "printed_at": now,
    }
    if code == "mau-01":
        context["category"] = _category(data.get("phan_nhom", ""))
        context["received_by"] = (
            (dossier.received_by.get_full_name() or dossier.received_by.get_username()) if dossier.received_by else ""
        )
    if code == "mau-02":
        context["founded_on"] = _day(data.get("ngay_thanh_lap"))
        context["gender"] = dict(dossier_forms.GENDERS).get(data.get("dai_dien_gioi_tinh"), "")
        labels = {item.code: item.label for item in workflow.dossier_checklist(dossier)}
        documents = dossier.documents.order_by("doc_type", "uploaded_at", "pk")
        context["evidence"] = [(labels.get(d.doc_type, d.doc_type), d.original_name) for d in documents]
    if code == "mau-03":
        context["gender"] = dict(dossier_forms.GENDERS).get(data.get("dai_dien_gioi_tinh"), "")
    return context


def render_form_html(code: str, dossier, *, now=None) -> str:
    return render_to_string(TEMPLATES[code], form_context(code, dossier, now=now))


def render_form_pdf(code: str, dossier, *, now=None) -> bytes:
    """One printed form of the dossier as an A4 portrait PDF."""
    return _pdf(render_form_html(code, dossier, now=now))


def form_filename(code: str, dossier) -> str:
    return f"{FILENAMES[code]}-ho-so-{dossier.pk}.pdf"
