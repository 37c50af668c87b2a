"""Open data: the products that are OCOP products today, one row per certificate in force, as CSV, XLSX and JSON, for
the whole country and for each province of today's scheme.

Every file states its as-of date and its licence (CC BY 4.0) inside itself, so a copy passed on keeps them: the CSV
in its first rows (before a blank row and the table), the workbook in its first rows and its properties, the JSON in
top-level keys. The rows are catalog.queries.valid_certificates, the list the province page counts.
"""

import csv
import datetime
import io
import json
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from areas.choices import Level, Scheme
from areas.models import AdministrativeUnit
from catalog import queries
from certification.documents import verify_url
from core.spreadsheets import row_values

NATIONAL = "vn"
FORMATS = ("csv", "xlsx", "json")
LICENCE = {
    "name": "CC BY 4.0",
    "title": gettext_lazy("Creative Commons Ghi công 4.0 Quốc tế"),
    "url": "https://creativecommons.org/licenses/by/4.0/",
}

# (JSON key, column heading): the order of the CSV and XLSX columns.
COLUMNS = (
    ("product", gettext_lazy("Tên sản phẩm")),
    ("producer", gettext_lazy("Chủ thể")),
    ("group", gettext_lazy("Nhóm sản phẩm")),
    ("subgroup", gettext_lazy("Bộ sản phẩm")),
    ("stars", gettext_lazy("Hạng sao")),
    ("decision_number", gettext_lazy("Số quyết định công nhận")),
    ("decision_date", gettext_lazy("Ngày quyết định")),
    ("valid_until", gettext_lazy("Hiệu lực đến hết ngày")),
    ("commune", gettext_lazy("Xã, phường")),
    ("province", gettext_lazy("Tỉnh, thành phố")),
    ("verify_url", gettext_lazy("Địa chỉ tra cứu")),
)


def column_labels() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


@dataclass
class Dataset:
    title: str
    area_id: str
    area_name: str
    as_of: datetime.date
    rows: list[dict]

    def metadata(self) -> list[tuple[str, str]]:
        return [
            (_("Tiêu đề"), self.title),
            (_("Số liệu đến ngày"), self.as_of.isoformat()),
            (_("Giấy phép"), f"{LICENCE['name']} ({LICENCE['title']}) {LICENCE['url']}"),
            (_("Nguồn"), _("Sổ đăng ký sản phẩm OCOP của cơ quan quản lý Chương trình OCOP")),
            (_("Ghi chú"), _("Mỗi dòng là một sản phẩm có giấy chứng nhận OCOP còn hiệu lực vào ngày số liệu.")),
        ]


def _title(unit) -> str:
    if unit.pk is None:
        return _("Sản phẩm OCOP còn hiệu lực trên phạm vi cả nước")
    return _("Sản phẩm OCOP còn hiệu lực trên địa bàn %(place)s") % {"place": unit.name}


def build(unit, day: datetime.date, *, request=None) -> Dataset:
    """The rows of `unit` (a 2025 province, or the country when its pk is None) on `day`: one query."""
    province = unit if unit.pk is not None else None
    rows = []
    for certificate in queries.valid_certificates(day, province):
        product = certificate.product
        rows.append(
            {
                "product": product.name,
                "producer": product.producer.name,
                "group": product.group.name,
                "subgroup": product.subgroup.name if product.subgroup_id else "",
                "stars": certificate.stars,
                "decision_number": certificate.decision.number,
                "decision_date": certificate.decision.date.isoformat(),
                "valid_until": certificate.last_valid_day.isoformat(),
                "commune": product.new_commune.name if product.new_commune_id else "",
                "province": product.new_province.name if product.new_province_id else "",
                "verify_url": verify_url(certificate.code, request),
            }
        )
    area_id = NATIONAL if unit.pk is None else str(unit.area_id)
    return Dataset(title=_title(unit), area_id=area_id, area_name=str(unit.name), as_of=day, rows=rows)


DATE_COLUMNS = frozenset({"decision_date", "valid_until"})


def to_csv(dataset: Dataset) -> tuple[bytes, str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for label, value in dataset.metadata():
        writer.writerow(row_values([label, value]))
    writer.writerow([])
    writer.writerow(column_labels())
    for row in dataset.rows:
        writer.writerow(row_values([row[key] for key, _label in COLUMNS]))
    # A byte-order mark: Excel, which officials open CSV files with, then reads the Vietnamese letters right.
    return ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"


def to_xlsx(dataset: Dataset) -> tuple[bytes, str]:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Sản phẩm OCOP"))[:31]
    for label, value in dataset.metadata():
        sheet.append(row_values([label, value]))
    sheet.append([])
    sheet.append(column_labels())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    dated = {index for index, (key, _label) in enumerate(COLUMNS) if key in DATE_COLUMNS}
    for row in dataset.rows:
        values = row_values([row[key] for key, _label in COLUMNS])
        # real dates in the workbook, so officials can sort and filter them; CSV and JSON keep ISO text
        sheet.append([datetime.date.fromisoformat(v) if i in dated and v else v for i, v in enumerate(values)])
        for index in dated:
            sheet.cell(row=sheet.max_row, column=index + 1).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for letter, width in zip("ABCDEFGHIJK", (40, 36, 28, 28, 9, 22, 14, 14, 24, 22, 48), strict=True):
        sheet.column_dimensions[letter].width = width
    book.properties.title = dataset.title
    book.properties.description = f"{LICENCE['name']} {LICENCE['url']}"
    book.properties.keywords = "OCOP"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def to_json(dataset: Dataset) -> tuple[bytes, str]:
    data = {
        "title": dataset.title,
        "area_id": dataset.area_id,
        "area": dataset.area_name,
        "as_of": dataset.as_of.isoformat(),
        "license": {"name": LICENCE["name"], "title": str(LICENCE["title"]), "url": LICENCE["url"]},
        "source": _("Sổ đăng ký sản phẩm OCOP của cơ quan quản lý Chương trình OCOP"),
        "columns": {key: str(label) for key, label in COLUMNS},
        "count": len(dataset.rows),
        "products": dataset.rows,
    }
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"), "application/json; charset=utf-8"


WRITERS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}


def filename(unit, day: datetime.date, fmt: str) -> str:
    place = NATIONAL if unit.pk is None else f"tinh-{unit.code}"
    return f"san-pham-ocop-{place}-{day.isoformat()}.{fmt}"


@dataclass
class Download:
    area_id: str
    name: str
    count: int

    def url(self, fmt: str) -> str:
        return reverse("catalog:opendata_file", args=[self.area_id, fmt])

    def links(self) -> list[tuple[str, str]]:
        return [(fmt.upper(), self.url(fmt)) for fmt in FORMATS]


def downloads(day: datetime.date) -> list[Download]:
    """The country, then each province of today's scheme with its count of products in force: two queries."""
    counts = dict(
        queries.valid_certificates(day).order_by().values_list("product__new_province").annotate(n=Count("id"))
    )
    rows = [Download(NATIONAL, str(_("Toàn quốc")), sum(counts.values()))]
    for unit in AdministrativeUnit.objects.filter(scheme=Scheme.S2025, level=Level.PROVINCE).order_by("code"):
        rows.append(Download(str(unit.area_id), unit.name, counts.get(unit.pk, 0)))
    return rows
