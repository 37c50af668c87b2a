"""Shared fixtures: the reference data loaded once per test database, and personas with memberships.

Personas (new-scheme areas): province_officer (Tỉnh Điện Biên), commune_officer (Xã Thanh Nưa),
other_commune_officer (Phường Mường Thanh), other_province_officer (Tỉnh Sơn La), council_member, producer, anonymous.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import services
from accounts.roles import Role
from areas.queries import get_unit
from core.reference import load_all_reference_data


def pytest_configure(config):
    # Tests create hundreds of accounts: a fast hasher there (never in settings) keeps councils cheap to build.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run inside the test (imports' worker test switches to the database backend on purpose).
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # Uploaded files and import jobs' progress/cancel files go to a directory of this run only: job ids repeat from one
    # test database to the next (and between the SQLite and PostgreSQL runs of CI), so a cancel file left under var/
    # would cancel a later test's job; and a test run leaves nothing behind in var/.
    scratch = Path(tempfile.mkdtemp(prefix="ocop-tests-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    settings.VAR_DIR = scratch
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": scratch / "media"},
        },
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_all_reference_data()


@pytest.fixture
def reference_data(db):
    """For transactional tests: the database is emptied after each one, so the reference data may be gone."""
    from areas.models import AdministrativeUnit

    if not AdministrativeUnit.objects.exists():
        load_all_reference_data()


def make_user(username, role=None, area_id=None):
    user = services.create_user(actor=None, username=username, password="pw-" + username, full_name=username)
    if role:
        services.grant_membership(actor=None, user=user, role=role, area=get_unit(area_id) if area_id else None)
    return user


@pytest.fixture
def unit():
    return get_unit


@pytest.fixture
def province_officer(db):
    return make_user("tinh", Role.PROVINCE_OFFICER, "2025:11")


@pytest.fixture
def other_province_officer(db):
    return make_user("tinh.sonla", Role.PROVINCE_OFFICER, "2025:14")


@pytest.fixture
def commune_officer(db):
    return make_user("xa", Role.COMMUNE_OFFICER, "2025:03328")


@pytest.fixture
def other_commune_officer(db):
    return make_user("xa.khac", Role.COMMUNE_OFFICER, "2025:03334")


@pytest.fixture
def council_member(db):
    return make_user("hoidong", Role.COUNCIL_MEMBER, "2025:11")


@pytest.fixture
def producer(db):
    return make_user("chuthe", Role.PRODUCER, "2025:03328")


@pytest.fixture
def system_admin(db):
    return make_user("quantri", Role.SYSTEM_ADMIN, None)


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Reports cache by data version; tests write rows directly and roll back: each test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters (core.ratelimit) live in a process-wide cache: each test starts with a full budget."""
    from django.conf import settings
    from django.core.cache import caches

    caches[settings.RATE_LIMIT_CACHE].clear()
