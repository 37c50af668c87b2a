"""Only a nationwide administrator writes criteria sets, whatever path calls the service (issue 14)."""

import pytest

from core.errors import PermissionRefused
from evaluation import loader
from evaluation.models import CriteriaSet
from evaluation.services import save_sets
from evaluation.tests.test_criteria_sets import version_of, write_set

pytestmark = pytest.mark.django_db


def test_a_province_officer_cannot_save_a_criteria_set(tmp_path, province_officer):
    spec, problems = loader.read_set_file(write_set(tmp_path, version_of(code="T9")))
    assert problems == []
    with pytest.raises(PermissionRefused):
        save_sets([spec], actor=province_officer, source="t9.yaml")
    assert not CriteriaSet.objects.filter(code="T9").exists()


def test_the_system_and_an_administrator_can(tmp_path, system_admin):
    spec, _ = loader.read_set_file(write_set(tmp_path, version_of(code="T9")))
    save_sets([spec], actor=system_admin, source="t9.yaml")
    assert CriteriaSet.objects.filter(code="T9").exists()
