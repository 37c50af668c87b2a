"""Issue 15: a producer is one producer whichever boundary scheme names its commune.

The reference data gives Tỉnh Tiền Giang two successors, Tỉnh Tây Ninh (recorded first) and Tỉnh Đồng Tháp, while
every one of its communes went to Đồng Tháp: Phường 5 (pre2025:28249, Thành phố Mỹ Tho) became Phường Đạo Thạnh
(2025:28249) of Đồng Tháp. The producer's identity key (name, province) took the province from the old province's
first successor (Tây Ninh) for a row naming the old commune, and from the commune (Đồng Tháp) for a row naming the new
one: the same producer was recorded twice. The province now follows the commune, as a product's placement does.
"""

import pytest
from django.core.management import call_command

from areas.queries import current_province
from certification.tests.test_register_import import EN, run, write
from core.models import AuditEntry
from producers.models import Producer
from producers.services import create_producer, find_producer, rehome_producers
from products.models import Product
from products.placement import compute_places, new_province_of, new_provinces_of

pytestmark = pytest.mark.django_db

OLD_COMMUNE, NEW_COMMUNE = "pre2025:28249", "2025:28249"  # Phường 5 (Tiền Giang) → Phường Đạo Thạnh (Đồng Tháp)


def test_the_pair_is_one_where_the_old_province_and_the_commune_disagree(unit):
    """The premise, read from the reference data: without it the tests below would prove nothing."""
    old, new = unit(OLD_COMMUNE), unit(NEW_COMMUNE)
    assert old.province.name == "Tỉnh Tiền Giang" and new.province.name == "Tỉnh Đồng Tháp"
    assert old.successions.filter(successor=new).exists()
    successors = {s.successor.name for s in old.province.successions.select_related("successor")}
    assert successors == {"Tỉnh Tây Ninh", "Tỉnh Đồng Tháp"}
    # areas.current_province (decisions' province, the resolver's home province) takes the successor that received
    # the communes, not the first one listed (Tây Ninh), so it agrees with placement
    assert current_province(old).name == current_province(old.province).name == "Tỉnh Đồng Tháp"


def test_new_province_follows_the_commune_as_placement_does(unit):
    old, new = unit(OLD_COMMUNE), unit(NEW_COMMUNE)
    assert new_province_of(old) == new_province_of(new) == unit("2025:82")  # Tỉnh Đồng Tháp
    assert new_province_of(old.province) == unit("2025:82")  # the successor that received its communes
    assert new_province_of(unit("pre2025:11")) == unit("2025:11")  # one successor: that one
    stand_in = type("P", (), {"pk": 1, "location_id": old.pk, "current_location_id": None})()
    assert compute_places([stand_in])[1]["new_province_id"] == new_province_of(old).pk


def test_new_provinces_of_many_units_takes_a_constant_number_of_queries(unit, django_assert_max_num_queries):
    from areas.models import AdministrativeUnit

    few = list(AdministrativeUnit.objects.filter(province=unit("pre2025:82"), level="commune")[:5])
    many = list(AdministrativeUnit.objects.filter(level="commune", scheme="pre2025")[:800])
    with django_assert_max_num_queries(5):
        assert len(new_provinces_of(few + [unit(NEW_COMMUNE)])) == 6
    with django_assert_max_num_queries(5):
        assert len(new_provinces_of(many)) == 800


def test_a_register_naming_the_old_then_the_new_commune_records_one_producer(tmp_path, unit):
    rows = [
        "Kẹo dừa,HTX Mỹ Tho Xanh,htx,Tỉnh Tiền Giang,Thành phố Mỹ Tho,Phường 5,thuc-pham,3,,10/QĐ-UBND,01/03/2022,",
        "Mắm tôm,HTX Mỹ Tho Xanh,htx,Tỉnh Đồng Tháp,,Phường Đạo Thạnh,thuc-pham,4,,20/QĐ-UBND,01/09/2025,",
    ]
    code, lines = run("import_register", write(tmp_path, "r.csv", "\n".join([EN, *rows])))
    assert code == 0, lines
    assert lines[-1] == "products created=2 updated=0 unchanged=0; producers created=1; certificates created=2"
    producer = Producer.objects.get(search_name="htx my tho xanh")
    assert producer.home_province == unit("2025:82")
    assert {p.new_province_id for p in Product.objects.filter(producer=producer)} == {producer.home_province_id}
    # The revocations name the province only, old or new: both find the producer.
    revocations = write(
        tmp_path,
        "rev.csv",
        "\n".join(
            [
                "Tên sản phẩm,Chủ thể,Tỉnh,Số quyết định,Ngày quyết định,Lý do",
                "Kẹo dừa,HTX Mỹ Tho Xanh,Tiền Giang,30/QĐ-UBND,15/09/2023,Ngừng sản xuất",
                "Mắm tôm,HTX Mỹ Tho Xanh,Đồng Tháp,40/QĐ-UBND,15/10/2025,Ngừng sản xuất",
            ]
        ),
    )
    code, lines = run("import_revocations", revocations)
    assert code == 0 and lines[-1] == "certificates revoked=2 unchanged=0", lines


def test_the_services_use_the_same_province(unit):
    made = create_producer(actor=None, name="HTX Đạo Thạnh", producer_type="htx", location=unit(OLD_COMMUNE))
    assert made.home_province == unit("2025:82")
    assert find_producer(name="htx đạo thạnh", unit=unit(NEW_COMMUNE)) == made
    assert find_producer(name="HTX Đạo Thạnh", unit=unit("pre2025:82")) == made  # the old province


def test_rehome_moves_producers_recorded_under_the_first_successor_and_lists_namesakes(unit):
    moved = create_producer(actor=None, name="HTX Một", producer_type="htx", location=unit(OLD_COMMUNE))
    twin_old = create_producer(actor=None, name="HTX Hai", producer_type="htx", location=unit(OLD_COMMUNE))
    Producer.objects.filter(pk__in=[moved.pk, twin_old.pk]).update(home_province=unit("2025:80"))  # as recorded before
    twin_new = create_producer(actor=None, name="HTX Hai", producer_type="htx", location=unit(NEW_COMMUNE))
    entries = AuditEntry.objects.count()
    count, clashes = rehome_producers(actor=None)
    assert count == 1 and clashes == [(twin_old, twin_new)]
    assert Producer.objects.get(pk=moved.pk).home_province == unit("2025:82")
    assert Producer.objects.get(pk=twin_old.pk).home_province == unit("2025:80")  # left for an officer to merge
    assert AuditEntry.objects.count() == entries + 1
    assert rehome_producers(actor=None) == (0, [(twin_old, twin_new)])  # nothing more to move
    call_command("verify_audit", stdout=__import__("io").StringIO())
