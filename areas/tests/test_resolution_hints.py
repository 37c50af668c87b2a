"""Issue 13: what the resolver tells an import beyond "not found" — the closest names, the other scheme's view of a
name — and the readings it allows only with a note (a type word the reference data disagrees with, a district after
the reform, an old commune found by a name that is also a new commune's)."""

import datetime

import pytest

from areas.queries import AmbiguousArea, CachedResolver, UnknownArea, resolve_unit

pytestmark = pytest.mark.django_db
OLD = datetime.date(2022, 3, 31)
NEW = datetime.date(2026, 1, 15)


def test_abbreviated_type_words_are_read_with_or_without_a_dot_or_space():
    for district, commune in [
        ("H. Điện Biên", "X. Thanh Hưng"),
        ("H.Điện Biên", "X.Thanh Hưng"),
        ("h dien bien", "x thanh hung"),
    ]:
        unit = resolve_unit(province="T. Điện Biên", district=district, commune=commune, on_date=OLD)
        assert str(unit.area_id) == "pre2025:03331"
    assert resolve_unit(province="Điện Biên", district="TP.Điện Biên Phủ", commune="P.Him Lam", on_date=OLD).name == (
        "Phường Him Lam"
    )
    assert resolve_unit(province="Tp. Hà Nội", on_date=NEW).name == "Thành phố Hà Nội"


def test_a_type_changed_unit_is_read_only_with_a_note():
    with pytest.raises(UnknownArea):  # the API and single lookups stay exact
        resolve_unit(province="Đắk Nông", district="thị xã Gia Nghĩa", on_date=OLD)
    notes = []
    unit = resolve_unit(province="Đắk Nông", district="thị xã Gia Nghĩa", on_date=OLD, notes=notes)
    assert unit.name == "Thành phố Gia Nghĩa"
    assert notes == [
        (
            "district",
            "'thị xã Gia Nghĩa' được hiểu là Thành phố Gia Nghĩa: danh mục đơn vị hành chính hiệu lực ngày 31/03/2022 "
            "ghi đơn vị này với loại khác.",
        )
    ]


def test_unknown_names_say_what_is_close_and_what_the_other_scheme_knows():
    resolver = CachedResolver()
    with pytest.raises(UnknownArea) as typo:
        resolver.resolve(province="Điện Biên", district="Điện Biên", commune="Thanh Hưg", on_date=OLD)
    assert "Có phải: Xã Thanh Hưng" in typo.value.message
    with pytest.raises(UnknownArea) as merged:
        resolver.resolve(province="Bình Thuận", on_date=NEW)
    assert merged.value.message.endswith("Tỉnh Bình Thuận nhập vào Tỉnh Lâm Đồng từ 01/07/2025.")
    with pytest.raises(UnknownArea) as wrong_district:
        resolver.resolve(province="Điện Biên", district="Mường Ảng", commune="Xã Mường Phăng", on_date=OLD)
    assert "Trong tỉnh có Xã Mường Phăng (Thành phố Điện Biên Phủ)." in wrong_district.value.message
    # the same hints without the cache (one lookup, straight from the database)
    with pytest.raises(UnknownArea) as direct:
        resolve_unit(province="Điện Biên", commune="Thanh Hưng", on_date=NEW)
    assert direct.value.message.endswith("Xã Thanh Hưng (Huyện Điện Biên) nhập vào Xã Thanh Nưa từ 01/07/2025.")


def test_a_commune_without_its_district_names_the_districts_to_choose_from():
    with pytest.raises(AmbiguousArea) as info:
        resolve_unit(province="Điện Biên", commune="Na Tông", on_date=OLD)
    assert "Xã Na Tông (Huyện Điện Biên)" in info.value.message and info.value.message.endswith("Hãy ghi huyện.")


def test_notes_for_a_district_after_the_reform_and_for_an_old_commune_named_like_a_new_one():
    resolver = CachedResolver()
    unit, notes = resolver.resolve(province="Điện Biên", district="Huyện Điện Biên", commune="Thanh Nưa", on_date=NEW)
    assert str(unit.area_id) == "2025:03328"
    assert notes == (("district", "bỏ qua 'Huyện Điện Biên': từ 01/07/2025 không còn cấp huyện (ngày 15/01/2026)."),)
    unit, notes = resolver.resolve(province="Điện Biên", commune="Thanh Nưa", on_date=OLD)
    assert str(unit.area_id) == "pre2025:03322" and notes[0][0] == "commune"
    assert "cũng có Xã Thanh Nưa (gồm Xã Thanh Nưa, Xã Hua Thanh" in notes[0][1]
    _unit, notes = resolver.resolve(province="Điện Biên", district="Điện Biên", commune="Thanh Nưa", on_date=OLD)
    assert notes == ()  # the district says the name is the old commune's
    assert resolver(province="Điện Biên", commune="Thanh Nưa", on_date=OLD) == unit  # the strict call, no notes
