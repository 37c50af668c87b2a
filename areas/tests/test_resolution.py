import datetime

import pytest

from areas.identifiers import AreaId, MalformedAreaId
from areas.queries import AmbiguousArea, CachedResolver, UnknownArea, resolve_unit, search_units
from core.text import fold

pytestmark = pytest.mark.django_db
OLD = datetime.date(2022, 3, 31)
NEW = datetime.date(2026, 1, 15)


def area(unit):
    return str(unit.area_id)


@pytest.mark.parametrize("district", ["Điện Biên", "Huyện Điện Biên", "huyen dien bien", "  ĐIỆN BIÊN "])
def test_dien_bien_district_is_huyen_dien_bien_not_its_namesakes(district):
    unit = resolve_unit(province="Điện Biên", district=district, on_date=OLD)
    assert area(unit) == "pre2025:100"
    assert unit.name == "Huyện Điện Biên"


@pytest.mark.parametrize(
    ("district", "expected"),
    [
        ("Điện Biên Đông", "pre2025:101"),
        ("Thành phố Điện Biên Phủ", "pre2025:094"),
        ("TP. Điện Biên Phủ", "pre2025:094"),
    ],
)
def test_other_dien_bien_districts_resolve_by_their_full_name(district, expected):
    assert area(resolve_unit(province="Tỉnh Điện Biên", district=district, on_date=OLD)) == expected


def test_province_type_words_case_and_diacritics_are_ignored():
    for name in ["Tỉnh Điện Biên", "điện biên", "DIEN BIEN", "Tinh Dien Bien"]:
        assert area(resolve_unit(province=name, on_date=OLD)) == "pre2025:11"
    assert area(resolve_unit(province="Thành phố Hà Nội", on_date=NEW)) == "2025:01"
    assert area(resolve_unit(province="Hà Nội", on_date=NEW)) == "2025:01"


def test_commune_resolves_in_the_scheme_valid_on_the_date():
    old = resolve_unit(province="Điện Biên", district="Điện Biên", commune="Xã Thanh Hưng", on_date=OLD)
    assert area(old) == "pre2025:03331"
    new = resolve_unit(province="Điện Biên", commune="Thanh Nưa", on_date=NEW)
    assert area(new) == "2025:03328"
    last_old_day = resolve_unit(
        province="Điện Biên", district="Điện Biên", commune="Thanh Hưng", on_date=datetime.date(2025, 6, 30)
    )
    assert area(last_old_day) == "pre2025:03331"


def test_a_merged_commune_is_unknown_after_the_reform_and_the_error_says_what_was_tried():
    with pytest.raises(UnknownArea) as info:
        resolve_unit(province="Điện Biên", commune="Thanh Hưng", on_date=NEW)
    assert info.value.field == "commune"
    assert "Thanh Hưng" in info.value.message and "thanh hung" in info.value.message
    assert "15/01/2026" in info.value.message


def test_code_reused_across_schemes_resolves_to_the_right_unit():
    assert area(resolve_unit(province="Sơn La", commune="Chiềng La", on_date=NEW)) == "2025:03754"
    noong_lay = resolve_unit(province="Sơn La", district="Thuận Châu", commune="Noong Lay", on_date=OLD)
    assert area(noong_lay) == "pre2025:03754"


def test_apostrophes_of_either_kind_match():
    for name in ["Xã Đạ M’ri", "Xã Đạ M'ri", "xa da mri"]:
        unit = resolve_unit(province="Lâm Đồng", district="Đạ Huoai", commune=name, on_date=OLD)
        assert area(unit) == "pre2025:25102"


def test_a_name_shared_by_two_units_in_the_parent_is_ambiguous_without_its_type_word():
    with pytest.raises(AmbiguousArea) as info:
        resolve_unit(province="Lâm Đồng", district="Đạ Huoai", commune="Đạ M'ri", on_date=OLD)
    assert "Thị trấn Đạ M'ri" in info.value.message and "Xã Đạ M'ri" in info.value.message
    with pytest.raises(AmbiguousArea):
        resolve_unit(province="Hà Tĩnh", district="Kỳ Anh", on_date=OLD)
    assert resolve_unit(province="Hà Tĩnh", district="Thị xã Kỳ Anh", on_date=OLD).unit_type == "thi-xa"


def test_a_commune_without_its_district_is_ambiguous_when_two_districts_have_it():
    with pytest.raises(AmbiguousArea) as info:
        resolve_unit(province="Điện Biên", commune="Na Tông", on_date=OLD)
    assert info.value.field == "commune"
    assert resolve_unit(province="Điện Biên", district="Điện Biên", commune="Na Tông", on_date=OLD).code == "03365"


def test_unknown_province_and_district_are_errors_on_their_own_field():
    with pytest.raises(UnknownArea) as info:
        resolve_unit(province="Tỉnh Không Có", on_date=OLD)
    assert info.value.field == "province"
    with pytest.raises(UnknownArea) as info:
        resolve_unit(province="Điện Biên", district="Mường Không", on_date=OLD)
    assert info.value.field == "district"


def test_no_partial_match_is_ever_guessed():
    with pytest.raises(UnknownArea):
        resolve_unit(province="Điện", on_date=OLD)
    with pytest.raises(UnknownArea):
        resolve_unit(province="Điện Biên", district="Điện Biên Ph", on_date=OLD)


def test_cached_resolver_gives_the_same_answers_and_errors(django_assert_max_num_queries):
    resolver = CachedResolver()
    first = resolver(province="Điện Biên", district="Điện Biên", commune="Thanh Hưng", on_date=OLD)
    with pytest.raises(AmbiguousArea):
        resolver(province="Điện Biên", commune="Na Tông", on_date=OLD)
    with django_assert_max_num_queries(0):
        again = resolver(province="Điện Biên", district="Điện Biên", commune="Thanh Hưng", on_date=OLD)
        with pytest.raises(AmbiguousArea):
            resolver(province="Điện Biên", commune="Na Tông", on_date=OLD)
    assert first == again


def test_search_is_accent_insensitive():
    names = {u.name for u in search_units("thanh hung", scheme="pre2025")}
    assert "Xã Thanh Hưng" in names
    assert {u.name for u in search_units("Xã Thanh Hưng", scheme="pre2025")} >= {"Xã Thanh Hưng"}
    assert all(u.level == "province" for u in search_units("dien bien", level="province"))


def test_fold_handles_d_bar_apostrophes_and_spacing():
    assert fold("  Xã ĐẠ  M’ri ") == "xa da mri"
    assert fold("Đắk Lắk") == "dak lak"


@pytest.mark.parametrize("text", ["2025:11", "pre2025:100", "pre2025:03331", "2025:03754"])
def test_area_ids_round_trip(text):
    assert str(AreaId.parse(text)) == text


@pytest.mark.parametrize("text", ["", "11", "2024:11", "2025:1", "2025:100", "pre2025:3331", "pre2025:abcde"])
def test_malformed_area_ids_are_refused_with_a_message(text):
    with pytest.raises(MalformedAreaId) as info:
        AreaId.parse(text)
    assert "không hợp lệ" in info.value.message


def test_area_id_levels_and_padding():
    assert AreaId.of("pre2025", "commune", 3331) == AreaId("pre2025", "03331")
    assert AreaId.parse("pre2025:094").level == "district"
