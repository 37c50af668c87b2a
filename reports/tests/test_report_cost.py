"""Issue 15: the report figures run SQL compiled once per shape (reports.cache.prepared) and replayed with each
report's date and area. The replayed SQL must answer exactly what the ORM answers for the same querysets, on a
generated data set (bench/national.py, a few dozen products, one province's NTM rows), in both boundary schemes and
for the whole country."""

import datetime

import pytest

from areas.queries import report_area
from bench import national
from certification.imports import import_register, import_revocations
from ntm.imports import import_ntm
from ntm.queries import build_report, report_scope
from ntm.reporting import national_report, national_scope
from reports import cache as figure_cache
from reports.cache import PreparedShapeError, prepared
from reports.queries import OcopReport

pytestmark = pytest.mark.django_db

D = datetime.date
OCOP_AREAS = ["pre2025:11", "2025:11", "pre2025:100", "pre2025:01", "2025:01", "vn@pre2025", "vn@2025"]
OCOP_DAYS = [D(2020, 12, 31), D(2023, 2, 28), D(2024, 12, 31), D(2025, 7, 1), D(2026, 6, 30)]
NTM_AREAS = ["pre2025:11", "pre2025:100", "2025:11", "vn@pre2025", "vn@2025"]
NTM_YEARS = [2020, 2021, 2024, 2025, 2026]


def orm_prepared(key, build, **values):
    """What reports.cache.prepared stands for: the queryset evaluated by the ORM itself (its converters included)."""
    rows = list(build(**values))
    if rows and isinstance(rows[0], dict):
        return list(rows[0]), [tuple(row.values()) for row in rows]
    return [], [tuple(row) for row in rows]


def ocop_reports():
    out = {}
    for area in OCOP_AREAS:
        for day in OCOP_DAYS:
            report = OcopReport(report_area(area, day), day)
            out[(area, day)] = (report.figures(), report.watch())
    return out


def ntm_reports():
    out = {}
    for area in NTM_AREAS:
        for year in NTM_YEARS:
            unit = report_area(area, D(year, 12, 31))
            if unit.pk is None:
                out[(area, year)] = national_report(national_scope(year, unit))
            else:
                out[(area, year)] = build_report(report_scope(year, unit))
    return out


def orm_answers(monkeypatch, compute):
    with monkeypatch.context() as patch:
        for module in ("reports.queries", "ntm.queries", "reports.cache"):
            patch.setattr(f"{module}.prepared", orm_prepared)
        return compute()


@pytest.fixture
def generated(tmp_path):
    shape = national.Size(products=60, producers=45, certificates=160, ntm_provinces=1)
    files = national.generate(shape, 15, tmp_path)
    for importer, path, rows in (
        (import_register, files["register"], files["register_rows"]),
        (import_revocations, files["revocations"], files["revocation_rows"]),
        (import_ntm, files["ntm"], files["ntm_rows"]),
    ):
        if rows:  # a file of headings only is refused; so few products may have no revocation
            importer(path, filename=path.name)
    return files


def test_replayed_figures_equal_the_orms_on_a_generated_data_set(generated, monkeypatch):
    ocop, ntm = ocop_reports(), ntm_reports()
    assert sum(figures["products"]["total"] for figures, _watch in ocop.values()) > 0
    assert sum(report["assessed"] for report in ntm.values()) > 0
    assert ocop == orm_answers(monkeypatch, ocop_reports)
    assert ntm == orm_answers(monkeypatch, ntm_reports)


def test_a_report_asked_again_for_another_area_and_date_is_not_compiled_again(generated, monkeypatch):
    OcopReport(report_area("pre2025:11", D(2024, 12, 31)), D(2024, 12, 31)).figures()
    compiled = len(figure_cache._COMPILED)
    OcopReport(report_area("pre2025:01", D(2021, 6, 30)), D(2021, 6, 30)).figures()
    assert len(figure_cache._COMPILED) == compiled


def test_a_value_computed_from_a_parameter_in_python_is_refused():
    from certification.models import Certificate

    def build(day):
        return Certificate.objects.filter(valid_until__lt=day + datetime.timedelta(days=30)).values_list("pk")

    with pytest.raises(PreparedShapeError):
        prepared(("test", "derived-date"), build, day=D(2024, 1, 1))


def test_a_parameter_must_be_a_date_or_an_integer():
    from certification.models import Certificate

    with pytest.raises(PreparedShapeError):
        prepared(("test", "text"), lambda code: Certificate.objects.filter(code=code).values_list("pk"), code="X")
