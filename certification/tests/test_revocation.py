"""Revocation under 26/2026/QĐ-TTg Điều 8: grounds (khoản 1), authority by stars (khoản 2), the decision sent to the
producer and the commune (khoản 3 điểm c), 15 days from the finding (khoản 4); the import keeps working."""

import datetime

import pytest

from certification import services
from certification.choices import RevocationGround as G
from certification.imports import import_revocations
from certification.models import Certificate, Decision
from certification.rules import ground_from_text
from core.errors import DomainError, PermissionRefused
from core.imports import ImportErrors
from core.models import AuditEntry
from notifications.models import Notification

pytestmark = pytest.mark.django_db
D = datetime.date
RECOGNISED = D(2026, 1, 10)  # under 148 as amended by 1489: province 3★/4★, ministry 5★


@pytest.mark.parametrize(
    ("text", "ground"),
    [
        ("Ngừng sản xuất", G.PRODUCTION_STOPPED),
        ("  NGUNG san xuat. ", G.PRODUCTION_STOPPED),
        ("Chủ thể OCOP không còn hoạt động sản xuất sản phẩm OCOP", G.PRODUCTION_STOPPED),
        ("đ", G.PRODUCTION_STOPPED),
        ("d", G.MARK_MISUSE),  # the point đ is not folded onto d
        ("điểm a", G.FALSE_DOSSIER),
        ("e)", G.AUTHORITY_FINDING),
        (
            "Sản phẩm OCOP không còn đáp ứng các tiêu chí theo Bộ tiêu chí OCOP theo kết luận kiểm tra, giám sát của "
            "cơ quan có thẩm quyền",
            G.CRITERIA_NOT_MET,
        ),
        ("Vi phạm an toàn thực phẩm", G.LAW_BREACH),
        ("criteria-not-met", G.CRITERIA_NOT_MET),
        ("Không duy trì chất lượng", G.OTHER),
        ("Ngừng sản xuất từ tháng 3", G.OTHER),
        ("", G.OTHER),
    ],
)
def test_a_written_reason_is_mapped_onto_a_ground_of_article_8(text, ground):
    assert ground_from_text(text) == ground


def test_the_grounds_are_the_six_points_of_article_8_and_other():
    assert len(G.values) == 7 and G.OTHER in G.values
    assert str(G.MARK_MISUSE.label).startswith("Chủ thể OCOP sử dụng nhãn hiệu OCOP không đúng quy định")


# --- authority by stars (Điều 8 khoản 2) ------------------------------------------------------------------------------


def test_a_province_decision_cannot_revoke_a_five_star_certificate(ocop_product, recognise, revocation_decision):
    product = ocop_product("Rượu ngô")
    certificate = recognise(product, RECOGNISED, stars=5)
    assert certificate.decision.issuing_level == "ministry"
    with pytest.raises(PermissionRefused) as refused:
        services.revoke(actor=None, product=product, decision=revocation_decision(D(2026, 6, 1)), reason="x")
    assert "chỉ do Bộ trưởng Bộ Nông nghiệp và Môi trường quyết định thu hồi" in refused.value.message
    assert "Điều 8 khoản 2" in refused.value.message and refused.value.field == "issuing_level"
    certificate.refresh_from_db()
    assert certificate.revocation_id is None and certificate.ended_on is None
    assert not Notification.objects.exists()


def test_the_province_office_records_the_ministrys_decision(ocop_product, recognise, province_officer, unit):
    product = ocop_product("Rượu ngô")
    recognise(product, RECOGNISED, stars=5)
    certificate, outcome = services.record_revocation(
        actor=province_officer,
        product=product,
        issuing_level="ministry",
        number="12/QĐ-BNNMT",
        date=D(2026, 6, 5),
        ground=G.LAW_BREACH,
        reason="Kết luận thanh tra về an toàn thực phẩm",
        found_on=D(2026, 5, 25),
    )
    assert outcome == "revoked" and certificate.ended_on == D(2026, 6, 5)
    decision = certificate.revocation
    assert (decision.issuing_level, decision.issuer, decision.province) == (
        "ministry",
        "Bộ Nông nghiệp và Môi trường",
        unit("2025:11"),
    )
    assert certificate.revocation_ground == G.LAW_BREACH and certificate.revocation_found_on == D(2026, 5, 25)
    assert certificate.revocation_deadline == D(2026, 6, 9) and certificate.revocation_days_late == 0
    entry = AuditEntry.objects.get(action="certification.certificate.revoked")
    assert entry.actor == province_officer and entry.after["deadline"] == "2026-06-09"
    assert entry.after["issuing_level"] == "ministry" and entry.after["ground"] == "law-breach"


def test_a_ministry_decision_cannot_revoke_a_four_star_certificate(ocop_product, recognise, province_officer):
    product = ocop_product()
    recognise(product, RECOGNISED, stars=4)
    before = Decision.objects.count()
    with pytest.raises(PermissionRefused, match="Chủ tịch UBND cấp tỉnh quyết định thu hồi"):
        services.record_revocation(
            actor=province_officer,
            product=product,
            issuing_level="ministry",
            number="13/QĐ-BNNMT",
            date=D(2026, 6, 5),
            ground=G.PRODUCTION_STOPPED,
        )
    assert Decision.objects.count() == before  # the refused decision is not left behind


def test_before_26_2026_no_authority_rule_is_applied(ocop_product, recognise, revocation_decision):
    """The earlier rules on who revokes are not known (domain.md): the province's decisions are kept as imported."""
    product = ocop_product()
    recognise(product, RECOGNISED, stars=5)
    certificate, outcome = services.revoke(
        actor=None, product=product, decision=revocation_decision(D(2026, 5, 21)), reason="Ngừng sản xuất"
    )
    assert outcome == "revoked" and certificate.revocation_ground == G.PRODUCTION_STOPPED


# --- the 15 days (Điều 8 khoản 4) ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("decided", "late"), [(D(2026, 6, 15), 0), (D(2026, 6, 16), 0), (D(2026, 6, 17), 1)])
def test_the_decision_is_due_15_days_after_the_finding(ocop_product, recognise, province_officer, decided, late):
    product = ocop_product()
    recognise(product, RECOGNISED, stars=3)
    certificate, _ = services.record_revocation(
        actor=province_officer,
        product=product,
        issuing_level="province",
        number="20/QĐ-UBND",
        date=decided,
        ground=G.PRODUCTION_STOPPED,
        found_on=D(2026, 6, 1),  # the commune confirmed production stopped
    )
    assert certificate.revocation_deadline == D(2026, 6, 16)
    assert certificate.revocation_days_late == late


def test_a_finding_after_the_decision_is_refused(ocop_product, recognise, province_officer):
    product = ocop_product()
    recognise(product, RECOGNISED, stars=3)
    with pytest.raises(DomainError, match="không thể sau ngày quyết định"):
        services.record_revocation(
            actor=province_officer,
            product=product,
            issuing_level="province",
            number="21/QĐ-UBND",
            date=D(2026, 6, 10),
            ground=G.PRODUCTION_STOPPED,
            found_on=D(2026, 6, 11),
        )


def test_other_needs_the_reason_written(ocop_product, recognise, province_officer):
    product = ocop_product()
    recognise(product, RECOGNISED, stars=3)
    with pytest.raises(DomainError, match="Hãy ghi lý do"):
        services.record_revocation(
            actor=province_officer,
            product=product,
            issuing_level="province",
            number="22/QĐ-UBND",
            date=D(2026, 6, 10),
            ground=G.OTHER,
        )


# --- who is told (Điều 8 khoản 3 điểm c), and who may record it -------------------------------------------------------


def test_the_decision_is_sent_to_the_producer_and_the_commune(
    ocop_product,
    recognise,
    province_officer,
    producer,
    commune_officer,
    other_commune_officer,
    other_province_officer,
    revocation_decision,
):
    product = ocop_product("Chè Shan tuyết")
    product.producer.accounts.add(producer)
    recognise(product, RECOGNISED, stars=3)
    decision = revocation_decision(D(2026, 6, 10))
    services.revoke(actor=province_officer, product=product, decision=decision, ground=G.MARK_MISUSE, reason="")
    told = {n.user.username: n for n in Notification.objects.select_related("user")}
    assert set(told) == {"chuthe", "xa"}  # the producer's account and Xã Thanh Nưa's officer (successor commune)
    notice = told["chuthe"]
    assert notice.kind == "certification.revoked" and "Chè Shan tuyết" in notice.title
    assert decision.number in notice.body and "10/06/2026" in notice.body
    assert "sử dụng nhãn hiệu OCOP không đúng quy định" in notice.body
    assert notice.url == f"/register/products/{product.pk}/supervision/"
    assert services.revoke(actor=province_officer, product=product, decision=decision)[1] == "unchanged"
    assert Notification.objects.count() == 2


def test_another_provinces_officer_cannot_revoke(ocop_product, recognise, other_province_officer):
    product = ocop_product()
    recognise(product, RECOGNISED, stars=3)
    before = Decision.objects.count()
    with pytest.raises(PermissionRefused, match="ngoài địa bàn"):
        services.record_revocation(
            actor=other_province_officer,
            product=product,
            issuing_level="province",
            number="23/QĐ-UBND",
            date=D(2026, 6, 10),
            ground=G.PRODUCTION_STOPPED,
        )
    assert Decision.objects.count() == before


# --- the import keeps working --------------------------------------------------------------------------------------


def _csv(tmp_path, rows):
    path = tmp_path / "rev.csv"
    header = "Tên sản phẩm,Chủ thể,Tỉnh,Số quyết định,Ngày quyết định,Lý do,Cấp ban hành"
    path.write_text("\n".join([header, *rows]), encoding="utf-8")
    return path


def test_the_import_maps_reasons_onto_grounds_and_keeps_the_text(tmp_path, ocop_product, recognise):
    stopped, quality, five = ocop_product("Gạo"), ocop_product("Mật ong"), ocop_product("Rượu")
    recognise(stopped, RECOGNISED, stars=3)
    recognise(quality, RECOGNISED, stars=4)
    recognise(five, RECOGNISED, stars=5)
    path = _csv(
        tmp_path,
        [
            "Gạo,HTX Thanh Hưng,Điện Biên,30/QĐ-UBND,10/06/2026,Ngừng sản xuất,",
            "Mật ong,HTX Thanh Hưng,Điện Biên,30/QĐ-UBND,10/06/2026,Không duy trì chất lượng,Tỉnh",
            "Rượu,HTX Thanh Hưng,Điện Biên,7/QĐ-BNNMT,12/06/2026,điểm c,Bộ",
        ],
    )
    result = import_revocations(path, filename="rev.csv")
    assert result.summary == "certificates revoked=3 unchanged=0"
    got = {
        c.product.name: (c.revocation_ground, c.revocation_reason, c.revocation.issuing_level)
        for c in Certificate.objects.filter(revocation__isnull=False).select_related("product", "revocation")
    }
    assert got == {
        "Gạo": (G.PRODUCTION_STOPPED, "Ngừng sản xuất", "province"),
        "Mật ong": (G.OTHER, "Không duy trì chất lượng", "province"),
        "Rượu": (G.LAW_BREACH, "điểm c", "ministry"),
    }
    assert Decision.objects.get(number="7/QĐ-BNNMT").issuer == "Bộ Nông nghiệp và Môi trường"


def test_the_import_refuses_a_province_revocation_of_a_five_star_certificate(tmp_path, ocop_product, recognise):
    five = ocop_product("Rượu")
    recognise(five, RECOGNISED, stars=5)
    rows = ["Rượu,HTX Thanh Hưng,Điện Biên,31/QĐ-UBND,10/06/2026,Ngừng sản xuất,"]
    with pytest.raises(ImportErrors) as failed:
        import_revocations(_csv(tmp_path, rows), filename="rev.csv")
    (error,) = failed.value.errors
    assert error.row == 2 and error.column == "issuing_level" and "Bộ trưởng" in error.message
    assert not Decision.objects.filter(number="31/QĐ-UBND").exists()
    bad_level = ["Rượu,HTX Thanh Hưng,Điện Biên,32/QĐ,10/06/2026,,Huyện"]
    with pytest.raises(ImportErrors) as failed:
        import_revocations(_csv(tmp_path, bad_level), filename="rev.csv")
    assert failed.value.errors[0].column == "issuing_level" and "Tỉnh hoặc Bộ" in failed.value.errors[0].message


# --- the page where a revocation is recorded --------------------------------------------------------------------------


def test_the_revoke_page_says_who_revokes_and_shows_the_deadline(client, ocop_product, recognise, province_officer):
    product = ocop_product("Rượu ngô")
    recognise(product, RECOGNISED, stars=5)
    client.force_login(province_officer)
    url = f"/register/products/{product.pk}/revoke/"
    page = client.get(url).content.decode()
    assert 'data-testid="ministry-only"' in page and "Điều 8 khoản 2 điểm b" in page
    assert 'value="ministry" selected' in page  # the office enters the ministry's decision
    fragment = client.get(
        url, {"found_on": "01/06/2026", "decision_date": "20/06/2026"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in fragment and 'data-testid="deadline"' in fragment
    assert "16/06/2026" in fragment and "chậm 4 ngày" in fragment


def test_posting_a_province_revocation_of_a_five_star_certificate_is_refused(
    client, ocop_product, recognise, province_officer
):
    product = ocop_product("Rượu ngô")
    certificate = recognise(product, RECOGNISED, stars=5)
    client.force_login(province_officer)
    response = client.post(
        f"/register/products/{product.pk}/revoke/",
        {
            "issuing_level": "province",
            "decision_no": "40/QĐ-UBND",
            "decision_date": "10/06/2026",
            "ground": "law-breach",
            "found_on": "01/06/2026",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "UBND cấp tỉnh không có thẩm quyền thu hồi" in body
    certificate.refresh_from_db()
    assert certificate.revocation_id is None


def test_posting_a_revocation_records_it_and_returns_to_the_supervision_page(
    client, ocop_product, recognise, province_officer
):
    product = ocop_product()
    certificate = recognise(product, RECOGNISED, stars=4)
    client.force_login(province_officer)
    response = client.post(
        f"/register/products/{product.pk}/revoke/",
        {
            "issuing_level": "province",
            "decision_no": "41/QĐ-UBND",
            "decision_date": "20/06/2026",
            "ground": "production-stopped",
            "reason": "UBND xã xác nhận ngừng sản xuất",
            "found_on": "01/06/2026",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/register/products/{product.pk}/supervision/"
    body = response.content.decode()
    assert "Đã ghi quyết định thu hồi 41/QĐ-UBND" in body and "chậm 4 ngày" in body
    certificate.refresh_from_db()
    assert certificate.revocation.number == "41/QĐ-UBND" and certificate.revocation_days_late == 4


def test_the_revoke_page_is_for_the_province_office_of_the_product(
    client, ocop_product, recognise, commune_officer, other_province_officer
):
    product = ocop_product()
    recognise(product, RECOGNISED, stars=3)
    url = f"/register/products/{product.pk}/revoke/"
    client.force_login(commune_officer)
    assert client.get(url).status_code == 403
    client.force_login(other_province_officer)
    assert client.get(url).status_code == 404
