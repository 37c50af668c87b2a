"""The watch list as an XLSX file: the same rows and columns as the page (fed by the same filter)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.spreadsheets import row_values


def watch_columns():
    return [_("STT"), _("Tên sản phẩm"), _("Chủ thể"), _("Xã"), _("Số sao"), _("Hiệu lực đến"), _("Dấu hiệu")]


def watch_values(n, product, flags):
    return [
        n,
        product.name,
        product.producer.name,
        product.location.name,
        product.stars,
        product.current_valid_until,
        "; ".join(f"{f.label}: {f.detail}" for f in flags),
    ]


def watch_workbook(rows, *, title) -> bytes:
    """`rows`: (product, flags) in the page's order."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Theo dõi sau công nhận")[:31]
    ws.append(row_values([title]))
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(row_values(watch_columns()))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for n, (product, flags) in enumerate(rows, start=1):
        ws.append(row_values(watch_values(n, product, flags)))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
