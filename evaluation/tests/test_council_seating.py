"""Council seating (issue "browser only" Blockers 3): a member from outside the round's province is refused; a member
linked to the producer of a product in the round has a conflict on it, recorded automatically; the office removes a
member before scoring starts, and not after."""

import pytest

from conftest import make_user
from core.errors import DomainError
from core.models import AuditEntry
from evaluation import council
from evaluation.council_models import Conflict, MemberRole
from evaluation.tests.scoring_setup import build_round, score
from products.services import create_product

pytestmark = pytest.mark.django_db


def test_a_member_without_a_council_role_in_the_province_is_refused(province_officer, unit):
    rnd, _items, _people = build_round(province_officer, unit)
    for user in (
        make_user("hd.sonla", "council_member", "2025:14"),  # another province
        make_user("xa.viewer", "viewer", "2025:11"),  # the province, but no council role
    ):
        with pytest.raises(DomainError) as refused:
            council.add_member(actor=province_officer, evaluation_round=rnd, user=user, role=MemberRole.MEMBER)
        assert refused.value.field == "user" and "Tỉnh Điện Biên" in refused.value.message
        assert not rnd.members.filter(user=user).exists()


def test_a_member_linked_to_a_producer_has_a_conflict_on_its_products(province_officer, unit):
    rnd, (rice, honey), people = build_round(province_officer, unit, products=("Gạo", "Mật ong"))
    producer = rice.product.producer  # both products share the round's producer
    linked = make_user("tv.linked", "council_member", "2025:11")
    producer.accounts.add(linked)
    member = council.add_member(actor=province_officer, evaluation_round=rnd, user=linked, role=MemberRole.MEMBER)
    assert set(Conflict.objects.filter(member=member).values_list("item_id", flat=True)) == {rice.pk, honey.pk}
    assert "ghi tự động" in Conflict.objects.filter(member=member).first().reason
    other = make_user("tv.unlinked", "council_member", "2025:11")
    second = council.add_member(actor=province_officer, evaluation_round=rnd, user=other, role=MemberRole.MEMBER)
    assert not Conflict.objects.filter(member=second).exists()
    # a product added later is covered too
    tea = create_product(
        actor=None, name="Chè", producer=producer, location=rice.product.location, group=rice.product.group
    )
    item = council.add_product(actor=province_officer, evaluation_round=rnd, product=tea)
    assert set(Conflict.objects.filter(item=item).values_list("member_id", flat=True)) == {member.pk}


def test_the_office_removes_a_member_before_scoring_only(province_officer, unit, client):
    rnd, (item,), people = build_round(province_officer, unit, reported=True)
    spare = rnd.members.get(user=people["tv3"])
    client.force_login(province_officer)
    page = client.get(f"/evaluation/{rnd.pk}/").content.decode()
    assert 'data-testid="remove-member"' in page and "Chủ tịch hội đồng" in page
    client.post(f"/evaluation/{rnd.pk}/members/{spare.pk}/remove/")
    assert not rnd.members.filter(pk=spare.pk).exists()
    assert AuditEntry.objects.filter(action="evaluation.member.removed").count() == 1
    score(item, people["tv1"], (2, 2, 2), submit=False)
    member = rnd.members.get(user=people["tv2"])
    with pytest.raises(DomainError, match="bắt đầu chấm"):
        council.remove_member(actor=province_officer, member=member)
    assert 'data-testid="remove-member"' not in client.get(f"/evaluation/{rnd.pk}/").content.decode()


def test_the_office_records_where_and_when_the_council_met(province_officer, unit, client):
    rnd, _items, _people = build_round(province_officer, unit)
    client.force_login(province_officer)
    response = client.post(
        f"/evaluation/{rnd.pk}/meeting/", {"meeting_date": "15/10/2026", "meeting_place": "  Hội trường  UBND tỉnh "}
    )
    assert response.status_code == 302
    rnd.refresh_from_db()
    assert (str(rnd.meeting_date), rnd.meeting_place) == ("2026-10-15", "Hội trường UBND tỉnh")
    assert AuditEntry.objects.filter(action="evaluation.round.meeting_set").exists()
    from evaluation import documents

    assert documents.minutes_context(rnd)["meeting_place"] == "Hội trường UBND tỉnh"
    bad = client.post(f"/evaluation/{rnd.pk}/meeting/", {"meeting_date": "32/13/2026"}, follow=True)
    rnd.refresh_from_db()
    assert rnd.meeting_place == "Hội trường UBND tỉnh" and "Ngày" in bad.content.decode()


def test_the_office_picks_products_and_people_by_name(province_officer, unit, client):
    rnd, (item,), people = build_round(province_officer, unit)
    client.force_login(province_officer)
    found = client.get(f"/evaluation/{rnd.pk}/pick/products/", {"product": "gao thu"}).content.decode()
    assert f"Gạo thử — {item.product.producer.name} [{item.product.pk}]" in found
    hd = make_user("hd.ngoc", "council_member", "2025:11")
    hd.full_name = "Lò Văn Ngọc"
    hd.save()
    make_user("hd.ngoc.sonla", "council_member", "2025:14")
    options = client.get(f"/evaluation/{rnd.pk}/pick/people/", {"username": "lo van ngoc"}).content.decode()
    assert "Lò Văn Ngọc [hd.ngoc]" in options and "hd.ngoc.sonla" not in options
    client.post(f"/evaluation/{rnd.pk}/members/", {"username": "Lò Văn Ngọc [hd.ngoc]", "role": "member"})
    assert rnd.members.filter(user=hd).exists()
    page = client.get(f"/evaluation/{rnd.pk}/").content.decode()
    assert 'data-testid="picker"' in page and "Mã sản phẩm" not in page


def test_seating_costs_the_same_queries_however_many_products(province_officer, unit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for prefix, products in (("a", ("Gạo",)), ("b", ("Gạo", "Mật ong", "Chè", "Măng"))):
        rnd, _items, _people = build_round(province_officer, unit, products=products, prefix=prefix)
        user = make_user(f"tv.extra.{prefix}", "council_member", "2025:11")
        with CaptureQueriesContext(connection) as queries:
            council.add_member(actor=province_officer, evaluation_round=rnd, user=user, role=MemberRole.MEMBER)
        counts.append(len(queries))
    assert counts[0] == counts[1]
