"""Building NTM import files for tests."""

import csv
import io

from areas.models import AdministrativeUnit

HEADER_2021 = ["year", "province", "district", "commune", "criteria_set", *[f"tc{i}" for i in range(1, 20)]]
TAIL = ["recognition", "decision_no", "decision_date"]


def set_for(year: int) -> str:
    """The national 19-criterion set of a year: 1980/QĐ-TTg up to 2021, 318/QĐ-TTg from 2022 (both tc1…tc19)."""
    return "ntm-2016" if year <= 2021 else "ntm-2021"


def dien_bien_communes():
    """The 21 communes of Huyện Điện Biên (pre2025:100), by code."""
    return list(AdministrativeUnit.objects.filter(scheme="pre2025", parent__code="100").order_by("code"))


def row_2021(commune, met: int, *, year=2021, recognition="", decision_no="", decision_date="", values=None):
    cells = values or ["1"] * met + ["0"] * (19 - met)
    return [
        year,
        "Điện Biên",
        "Huyện Điện Biên",
        commune.name,
        set_for(year),
        *cells,
        recognition,
        decision_no,
        decision_date,
    ]


def write_csv(path, rows, header=None, bom=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header or [*HEADER_2021, *TAIL])
    writer.writerows(rows)
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")
    return path


def dien_bien_2021_rows():
    """21 assessed communes: 13 recognised (12 đạt chuẩn, 1 nâng cao), 4 meeting all 19 without recognition, and 4
    others with 12, 9, 7, 7 criteria: Σ 358 → 17,05 per commune; below 10: 3; below 15: 4."""
    communes = dien_bien_communes()
    rows = []
    for i, commune in enumerate(communes):
        if i < 12:
            rows.append(
                row_2021(
                    commune, 19, recognition="dat-chuan", decision_no=f"{i + 1}/QĐ-UBND", decision_date="15/06/2021"
                )
            )
        elif i == 12:
            rows.append(
                row_2021(commune, 19, recognition="nang-cao", decision_no="99/QĐ-UBND", decision_date="2021-11-20")
            )
        elif i < 17:
            rows.append(row_2021(commune, 19))
        else:
            rows.append(row_2021(commune, [12, 9, 7, 7][i - 17]))
    return rows
