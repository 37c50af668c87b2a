"""Issue 14, item 1: every certification write checks the product's (or the decision's) area against the acting
person's scope, in the service itself; the register and revocation imports refuse another province's rows before
looking anything up, so a dry run does not reveal what exists there; over-long cells are row errors."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certification import services
from certification.imports import import_register, import_revocations
from certification.models import Certificate, Decision, Inspection
from core.errors import PermissionRefused
from core.imports import ImportErrors
from core.models import AuditEntry
from imports.models import ImportJob, Status
from producers.models import Producer
from products.models import Product

pytestmark = pytest.mark.django_db
D = datetime.date
OUT_OF_SCOPE = "nằm ngoài địa bàn bạn được giao"
SON_LA = "pre2025:03658"  # Xã Chiềng Cọ, Thành phố Sơn La
REGISTER_HEAD = "product,producer,producer_type,province,district,commune,group,stars,decision_no,decision_date"
SON_LA_ROW = "{p},HTX Chiềng Cọ,htx,Sơn La,Thành phố Sơn La,Chiềng Cọ,thuc-pham,4,{n},01/03/2022"
DIEN_BIEN_ROW = "{p},HTX Thanh Hưng,htx,Điện Biên,Điện Biên,Thanh Hưng,thuc-pham,3,{n},01/03/2022"
REVOCATION_HEAD = "product,producer,province,decision_no,decision_date,reason"


def csv(tmp_path, head, rows, name="file.csv"):
    path = tmp_path / name
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    return path


def written():
    return (
        Producer.objects.count(),
        Product.objects.count(),
        Decision.objects.count(),
        Certificate.objects.count(),
        Certificate.objects.filter(revocation__isnull=False).count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def son_la_product(ocop_product, recognise):
    """Mận hậu of HTX Chiềng Cọ (Sơn La), recognised 3★ in 2022 by Sơn La's own decision."""
    product = ocop_product("Mận hậu", producer="HTX Chiềng Cọ", area=SON_LA)
    decision, _ = services.get_or_create_decision(
        actor=None,
        number="9/QĐ-UBND",
        date=D(2022, 1, 10),
        kind="recognition",
        issuing_level="province",
        province=product.location.province,
    )
    services.record_certificate(actor=None, product=product, decision=decision, stars=3)
    return product


# --- the services ---------------------------------------------------------------------------------------------------


def test_recording_a_certificate_for_another_provinces_product_is_refused(son_la_product, province_officer):
    decision = son_la_product.certificates.get().decision
    before = written()
    with pytest.raises(PermissionRefused, match=OUT_OF_SCOPE):
        services.record_certificate(actor=province_officer, product=son_la_product, decision=decision, stars=5)
    with pytest.raises(PermissionRefused, match=OUT_OF_SCOPE):  # a correction of the certificate on record
        services.record_certificate(actor=province_officer, product=son_la_product, decision=decision, stars=4)
    assert written() == before
    assert son_la_product.certificates.get().stars == 3


def test_creating_a_decision_of_another_province_is_refused(son_la_product, province_officer, unit):
    with pytest.raises(PermissionRefused, match=OUT_OF_SCOPE):
        services.get_or_create_decision(
            actor=province_officer,
            number="10/QĐ-UBND",
            date=D(2022, 2, 1),
            kind="revocation",
            issuing_level="province",
            province=unit("pre2025:14"),
        )
    with pytest.raises(PermissionRefused, match=OUT_OF_SCOPE):  # nor is another province's decision handed out
        services.get_or_create_decision(
            actor=province_officer,
            number="9/QĐ-UBND",
            date=D(2022, 1, 10),
            kind="recognition",
            issuing_level="province",
            province=unit("pre2025:14"),
        )
    assert not Decision.objects.filter(number="10/QĐ-UBND").exists()


def test_revoking_another_provinces_certificate_is_refused(son_la_product, province_officer, revocation_decision):
    decision = revocation_decision(D(2022, 6, 1))  # a Điện Biên decision, in the officer's scope
    with pytest.raises(PermissionRefused, match=OUT_OF_SCOPE):
        services.revoke(actor=province_officer, product=son_la_product, decision=decision, reason="Ngừng sản xuất")
    with pytest.raises(PermissionRefused, match=OUT_OF_SCOPE):
        services.record_revocation(
            actor=province_officer,
            product=son_la_product,
            issuing_level="province",
            number="11/QĐ-UBND",
            date=D(2022, 6, 1),
            ground="production-stopped",
        )
    assert not Certificate.objects.filter(revocation__isnull=False).exists()
    assert not Decision.objects.filter(number="11/QĐ-UBND").exists()


def test_inspecting_another_provinces_product_is_refused(ocop_product, recognise, other_province_officer):
    product = ocop_product()  # Điện Biên
    recognise(product, D(2026, 1, 10), stars=4)
    with pytest.raises(PermissionRefused, match=OUT_OF_SCOPE):
        services.record_inspection(
            actor=other_province_officer,
            product=product,
            date=D(2026, 9, 1),
            kind="periodic",
            body="province",
            criteria_maintained=True,
            mark_use_correct=True,
            conclusion="Đạt.",
        )
    assert not Inspection.objects.exists()


def test_the_bulk_writes_check_each_area(son_la_product, ocop_product, province_officer, unit):
    own = ocop_product("Gạo tám thơm")  # Điện Biên
    foreign_decision = Decision(
        number="12/QĐ-UBND",
        date=D(2022, 3, 1),
        kind="recognition",
        issuing_level="province",
        province=unit("pre2025:14"),
    )
    own_decision = Decision(
        number="12/QĐ-UBND",
        date=D(2022, 3, 1),
        kind="recognition",
        issuing_level="province",
        province=unit("pre2025:11"),
    )
    with pytest.raises(PermissionRefused, match=OUT_OF_SCOPE):
        services.bulk_create_decisions(actor=province_officer, decisions=[own_decision, foreign_decision])
    assert not Decision.objects.filter(number="12/QĐ-UBND").exists()
    services.bulk_create_decisions(actor=province_officer, decisions=[own_decision])
    certificates = [
        Certificate(product=p, decision=own_decision, stars=3, kind="recognition", valid_from=D(2022, 3, 1))
        for p in (own, son_la_product)
    ]
    for c in certificates:
        c.valid_until = D(2025, 3, 1)
    chains = [[certificates[0]], [*son_la_product.certificates.all(), certificates[1]]]
    with pytest.raises(PermissionRefused, match=OUT_OF_SCOPE):
        services.bulk_record_certificates(actor=province_officer, certificates=certificates, chains=chains)
    assert not Certificate.objects.filter(decision=own_decision).exists()
    services.bulk_record_certificates(actor=province_officer, certificates=certificates[:1], chains=chains[:1])
    assert Certificate.objects.filter(decision=own_decision).count() == 1


def test_the_system_and_the_own_province_may_write(son_la_product, other_province_officer):
    decision = son_la_product.certificates.get().decision
    certificate, outcome = services.record_certificate(
        actor=other_province_officer, product=son_la_product, decision=decision, stars=4
    )
    assert outcome == "updated" and certificate.stars == 4
    assert services.record_certificate(actor=None, product=son_la_product, decision=decision, stars=5)[1] == "updated"


# --- the importers --------------------------------------------------------------------------------------------------


def test_a_register_row_of_another_province_is_a_row_error_and_nothing_is_written(
    tmp_path, son_la_product, province_officer
):
    path = csv(tmp_path, REGISTER_HEAD, [SON_LA_ROW.format(p="Mận hậu", n="13/QĐ-UBND")])
    before = written()
    with pytest.raises(ImportErrors) as refused:
        import_register(path, actor=province_officer, filename="so.csv")
    (error,) = refused.value.errors
    assert error.row == 2 and OUT_OF_SCOPE in error.message
    result = import_register(path, actor=province_officer, filename="so.csv", skip_invalid=True)
    assert result.skipped == [2] and OUT_OF_SCOPE in result.errors[0].message
    assert written() == before
    assert son_la_product.certificates.get().stars == 3


def test_the_dry_run_says_the_same_whether_the_product_exists_or_not(tmp_path, son_la_product, province_officer):
    rows = [SON_LA_ROW.format(p="Mận hậu", n="13/QĐ-UBND"), SON_LA_ROW.format(p="Không có", n="13/QĐ-UBND")]
    result = import_register(
        csv(tmp_path, REGISTER_HEAD, rows), actor=province_officer, dry_run=True, skip_invalid=True, filename="so.csv"
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "province"), (3, "province")]  # CONTRACT §5
    assert result.errors[0].message == result.errors[1].message
    assert not result.outcomes


def test_the_officers_own_rows_still_import(tmp_path, son_la_product, province_officer):
    rows = [DIEN_BIEN_ROW.format(p="Gạo tám thơm", n="14/QĐ-UBND"), SON_LA_ROW.format(p="Mận hậu", n="14/QĐ-UBND")]
    result = import_register(
        csv(tmp_path, REGISTER_HEAD, rows), actor=province_officer, skip_invalid=True, filename="so.csv"
    )
    assert result.skipped == [3]
    assert result.counts["certificates_created"] == 1
    assert Product.objects.get(name="Gạo tám thơm").certificates.get().decision.province.area_id.code == "11"
    entry = AuditEntry.objects.filter(action="certification.certificate.recognition").latest("pk")
    assert entry.actor == province_officer


def test_a_revocation_row_of_another_province_is_a_row_error_and_nothing_is_written(
    tmp_path, son_la_product, province_officer
):
    rows = [
        "Mận hậu,HTX Chiềng Cọ,Sơn La,15/QĐ-UBND,01/06/2022,Ngừng sản xuất",
        "Không có,HTX Không có,Sơn La,15/QĐ-UBND,01/06/2022,Ngừng sản xuất",
    ]
    path = csv(tmp_path, REVOCATION_HEAD, rows)
    before = written()
    with pytest.raises(ImportErrors) as refused:
        import_revocations(path, actor=province_officer, filename="th.csv")
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "province"), (3, "province")]
    assert refused.value.errors[0].message == refused.value.errors[1].message
    assert OUT_OF_SCOPE in refused.value.errors[0].message
    dry = import_revocations(path, actor=province_officer, filename="th.csv", dry_run=True, skip_invalid=True)
    assert dry.errors[0].message == dry.errors[1].message and not dry.outcomes
    assert written() == before


def test_the_revocation_import_still_works_for_the_own_province(tmp_path, ocop_product, recognise, province_officer):
    product = ocop_product()
    recognise(product, D(2022, 1, 10), stars=3)
    path = csv(
        tmp_path, REVOCATION_HEAD, ["Gạo tám thơm,HTX Thanh Hưng,Điện Biên,16/QĐ-UBND,01/06/2022,Ngừng sản xuất"]
    )
    result = import_revocations(path, actor=province_officer, filename="th.csv")
    assert result.counts["revoked"] == 1
    assert AuditEntry.objects.filter(action="certification.certificate.revoked").latest("pk").actor == province_officer


def test_the_web_import_job_refuses_another_provinces_rows(client, tmp_path, son_la_product, province_officer):
    client.force_login(province_officer)
    before = written()
    for kind, text in (
        ("register", "\n".join([REGISTER_HEAD, SON_LA_ROW.format(p="Mận hậu", n="17/QĐ-UBND")])),
        ("revocations", "\n".join([REVOCATION_HEAD, "Mận hậu,HTX Chiềng Cọ,Sơn La,17/QĐ-UBND,01/06/2022,Ngừng"])),
    ):
        client.post("/register/import/", {"kind": kind, "file": SimpleUploadedFile("so.csv", text.encode())})
        job = ImportJob.objects.latest("pk")
        assert job.status == Status.VALIDATED and job.invalid_rows == 1, job.reason
        assert OUT_OF_SCOPE in job.errors[0]["message"]
        client.post(f"/imports/{job.pk}/write/", {"skip_invalid": "1"})
        job.refresh_from_db()
        assert OUT_OF_SCOPE in job.errors[0]["message"]
    assert written()[:5] == before[:5]


def test_over_long_cells_are_row_errors(tmp_path, province_officer):
    rows = [
        DIEN_BIEN_ROW.format(p="G" * 256, n="18/QĐ-UBND"),
        DIEN_BIEN_ROW.format(p="Gạo", n="1" * 61),
        DIEN_BIEN_ROW.format(p="Gạo nếp", n="18/QĐ-UBND").replace("HTX Thanh Hưng", "HTX " + "T" * 252),
    ]
    with pytest.raises(ImportErrors) as refused:
        import_register(csv(tmp_path, REGISTER_HEAD, rows), actor=province_officer, filename="so.csv")
    got = {(e.row, e.column): e.message for e in refused.value.errors}
    assert set(got) == {(2, "product"), (3, "decision_no"), (4, "producer")}
    assert "255" in got[(2, "product")] and "60" in got[(3, "decision_no")] and "255" in got[(4, "producer")]
    revocations = ["Gạo,HTX Thanh Hưng,Điện Biên," + "2" * 61 + ",01/06/2022,"]
    with pytest.raises(ImportErrors) as refused:
        import_revocations(csv(tmp_path, REVOCATION_HEAD, revocations), actor=province_officer, filename="th.csv")
    (error,) = [e for e in refused.value.errors if e.column == "decision_no"]
    assert error.row == 2 and "60" in error.message and "Số quyết định" in error.message
    assert not Product.objects.exists() and not Decision.objects.exists()
