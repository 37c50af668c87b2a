"""Pick, don't type (issue "browser only"): area fields list matching units as one types, without accents, in both
schemes; the picked label carries the unit's id, so nobody types `2025:03349`."""

import pytest
from django.core.exceptions import ValidationError

from areas.forms import AreaIdField, pick_label

pytestmark = pytest.mark.django_db


def test_the_picker_lists_units_by_name_without_accents(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        body = client.get("/areas/pick/", {"area": "thanh yen"}).content.decode()
    assert "Xã Thanh Yên · Tỉnh Điện Biên [2025:03349]" in body
    assert "Xã Thanh Yên · Huyện Điện Biên · Tỉnh Điện Biên [pre2025:" in body  # the old unit too
    communes = client.get("/areas/pick/", {"area": "dien bien", "level": "province"}).content.decode()
    assert "[2025:11]" in communes and "Xã" not in communes


def test_the_field_takes_a_picked_label_an_id_or_a_unique_name(unit):
    field = AreaIdField()
    assert field.clean("Xã Thanh Yên · Tỉnh Điện Biên [2025:03349]") == unit("2025:03349")
    assert field.clean("2025:11") == unit("2025:11")
    assert field.clean(pick_label(unit("pre2025:100"))) == unit("pre2025:100")
    with pytest.raises(ValidationError) as refused:
        field.clean("Thanh Yên")  # an old and a new commune share the name
    assert "chọn trong danh sách" in str(refused.value)
    with pytest.raises(ValidationError):
        field.clean("không có nơi nào như vậy")
