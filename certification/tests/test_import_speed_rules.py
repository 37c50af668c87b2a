"""Issue 15: the register and revocation imports read what they need in a number of queries bounded by the distinct
names of the file, not by its rows, and keep every rule, message and audit entry of the services."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certification.imports import import_register, import_revocations
from certification.models import Certificate, Decision
from certification.tests.test_register_bulk import _registers
from core.imports import ImportErrors
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

RECOGNISED = datetime.date(2026, 6, 1)
REVOKED = datetime.date(2026, 6, 20)
HEADER = "Tên sản phẩm,Chủ thể,Tỉnh,Số quyết định,Ngày quyết định,Lý do,Cấp ban hành"


def _register_queries(n, tag):
    """Queries of a first import of n new products each listed twice: before the reform at the old commune, after
    it at the new one (the later row moves the product created by the earlier one)."""
    first, second = _registers(n, tag)
    text = "\n".join([first, *second.splitlines()[1:]])
    with CaptureQueriesContext(connection) as queries:
        result = import_register(io.BytesIO(text.encode()), filename="register.csv")
    assert result.counts["products_created"] == n and result.counts["certificates_created"] == 2 * n
    return len(queries)


def test_a_new_register_listing_products_before_and_after_the_reform_reads_in_constant_queries():
    assert _register_queries(20, "A") == _register_queries(40, "B")


def _products(ocop_product, recognise, n, stars=4):
    made = [ocop_product(f"Sản phẩm {i}") for i in range(n)]
    for product in made:
        recognise(product, RECOGNISED, stars=stars)
    return made


def _csv(tmp_path, rows, name="rev.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]), encoding="utf-8")
    return path


def _row(name, number="40/QĐ-UBND", day=REVOKED, reason="Ngừng sản xuất", level=""):
    return f"{name},HTX Thanh Hưng,Điện Biên,{number},{day:%d/%m/%Y},{reason},{level}"


def test_revocations_are_read_and_written_in_queries_that_do_not_grow_with_the_rows(
    tmp_path, ocop_product, recognise, monkeypatch
):
    # The notices look up each commune's officers (certification.notices, one product at a time); left out here
    # so that what is measured is the import's own reading and writing.
    monkeypatch.setattr("certification.notices.commune_officers", lambda product: [])
    made = _products(ocop_product, recognise, 12)

    def queries(names, number):
        path = _csv(tmp_path, [_row(p.name, number=number) for p in names], name=f"{number[:2]}.csv")
        with CaptureQueriesContext(connection) as captured:
            result = import_revocations(path, filename="rev.csv")
        assert result.counts["revoked"] == len(names)
        return len(captured)

    assert queries(made[:4], "41/QĐ-UBND") == queries(made[4:], "42/QĐ-UBND")


def test_each_refused_revocation_is_reported_on_its_row_and_nothing_is_written(tmp_path, ocop_product, recognise):
    fine, five = _products(ocop_product, recognise, 2)
    five.certificates.update(stars=5)
    entries = AuditEntry.objects.count()
    rows = [
        _row(fine.name),
        _row(five.name),  # a province decision cannot revoke a 5-star certificate (Điều 8.2)
        _row(fine.name, number="43/QĐ-UBND", day=datetime.date(2026, 5, 1)),  # before any certificate
    ]
    with pytest.raises(ImportErrors) as refused:
        import_revocations(_csv(tmp_path, rows), filename="rev.csv")
    got = {(e.row, e.column) for e in refused.value.errors}
    assert got == {(3, "issuing_level"), (4, "decision_date")}
    assert "Bộ trưởng" in next(e.message for e in refused.value.errors if e.row == 3)
    assert not Certificate.objects.filter(revocation__isnull=False).exists()
    assert not Decision.objects.filter(kind="revocation").exists()
    assert AuditEntry.objects.count() == entries
    with pytest.raises(ImportErrors) as refused:
        import_revocations(_csv(tmp_path, [_row(fine.name), _row("Không có sản phẩm này")]), filename="rev.csv")
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "product")]
    assert not Certificate.objects.filter(revocation__isnull=False).exists()


def test_skip_invalid_writes_the_valid_revocations_only(tmp_path, ocop_product, recognise):
    fine, five = _products(ocop_product, recognise, 2)
    five.certificates.update(stars=5)
    result = import_revocations(
        _csv(tmp_path, [_row(fine.name), _row(five.name)]), filename="rev.csv", skip_invalid=True
    )
    assert result.summary == "certificates revoked=1 unchanged=0"
    assert [e.row for e in result.errors] == [3]
    assert list(Certificate.objects.filter(revocation__isnull=False).values_list("product__name", flat=True)) == [
        fine.name
    ]


def test_a_revocation_import_writes_the_services_audit_entries_and_a_second_run_changes_nothing(
    tmp_path, ocop_product, recognise
):
    made = _products(ocop_product, recognise, 3)
    path = _csv(tmp_path, [_row(p.name) for p in made])
    since = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    first = import_revocations(path, filename="rev.csv")
    assert first.summary == "certificates revoked=3 unchanged=0"
    new = AuditEntry.objects.filter(pk__gt=since)
    assert sorted(new.values_list("action", flat=True)) == sorted(
        ["certification.decision.created"]
        + ["certification.certificate.revoked"] * 3
        + ["certification.revocations.imported"]
    )
    revoked = new.filter(action="certification.certificate.revoked").first()
    assert revoked.before["ended_on"] is None
    assert revoked.after["ended_on"] == str(REVOKED) and revoked.after["end_reason"] == "revoked"
    assert revoked.after["reason"] == "Ngừng sản xuất" and revoked.after["decision"] == "40/QĐ-UBND"
    for certificate in Certificate.objects.filter(product__in=made):
        assert (certificate.ended_on, certificate.end_reason, certificate.revocation.number) == (
            REVOKED,
            "revoked",
            "40/QĐ-UBND",
        )
    count = AuditEntry.objects.count()
    again = import_revocations(path, filename="rev.csv")
    assert again.summary == "certificates revoked=0 unchanged=3"
    assert AuditEntry.objects.count() == count
    assert Decision.objects.filter(kind="revocation").count() == 1


def test_a_certificate_revoked_earlier_in_the_same_file_is_refused_by_a_later_decision(
    tmp_path, ocop_product, recognise
):
    (product,) = _products(ocop_product, recognise, 1)
    later = _row(product.name, number="45/QĐ-UBND", day=REVOKED + datetime.timedelta(days=5))
    rows = [later, _row(product.name), _row(product.name)]  # applied by date: 40 first, then 40 again, then 45
    with pytest.raises(ImportErrors) as refused:
        import_revocations(_csv(tmp_path, rows), filename="rev.csv")
    (error,) = refused.value.errors
    assert (error.row, error.column) == (2, "decision_no") and "40/QĐ-UBND" in error.message
