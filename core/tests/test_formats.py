import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.templatetags.ui import num, vdate


def test_vietnamese_numbers_and_dates():
    with translation.override("vi"):
        assert num(17.05, 2) == "17,05"
        assert num(Decimal("17.05")) == "17,05"
        assert num(8565) == "8.565"
        assert num(16855) == "16.855"
        assert vdate(datetime.date(2022, 3, 31)) == "31/03/2022"


def test_english_numbers_and_dates():
    with translation.override("en"):
        assert num(17.05, 2) == "17.05"
        assert num(8565) == "8,565"
        assert vdate(datetime.date(2022, 3, 31)) == "31/03/2022"


def test_templates_group_figures_with_num_but_never_ids():
    with translation.override("vi"):
        rendered = Template('{{ n|num }} · {{ d }} · <input value="{{ pk }}">').render(
            Context({"n": 8565, "d": 17.05, "pk": 2487})
        )
        assert rendered == '8.565 · 17,05 · <input value="2487">'


@pytest.mark.django_db
def test_pages_are_vietnamese_by_default_and_english_on_request(client):
    response = client.get("/", follow=True)  # a visitor lands on the public catalogue
    assert response["Content-Language"] == "vi"
    assert "Đơn vị hành chính" in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/", follow=True)
    assert response["Content-Language"] == "en"
    assert "Administrative units" in response.content.decode()


def test_the_english_catalog_translates_every_string():
    import polib
    from django.conf import settings

    po = polib.pofile(str(settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.django_db
def test_an_english_browser_still_gets_vietnamese_until_the_user_switches(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}, follow=True)
    assert response["Content-Language"] == "vi"
    assert "Đơn vị hành chính" in response.content.decode()


@pytest.mark.skipif(
    not __import__("shutil").which("xgettext"), reason="GNU gettext not installed (.ci/run installs it)"
)
def test_every_translatable_string_in_the_code_has_an_english_translation():
    """Re-extract the strings from the code and templates: none may be missing from the English catalog."""
    import polib
    from django.conf import settings
    from django.core.management import call_command

    po_path = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
    original = po_path.read_bytes()
    try:
        call_command(
            "makemessages", locale=["en"], ignore_patterns=[".venv", "node_modules"], no_obsolete=True, verbosity=0
        )
        po = polib.pofile(str(po_path))
        missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    finally:
        po_path.write_bytes(original)
    assert missing == [], f"{len(missing)} strings lack an English translation, e.g. {missing[:5]}"


@pytest.mark.django_db
def test_a_visitor_switches_language_without_a_csrf_token(client):
    page = client.get("/catalog/")
    assert "csrftoken" not in page.cookies  # nothing on a visitor's page is theirs alone: it can be kept for all
    assert 'action="/i18n/choose/"' in page.content.decode()
    switched = client.get("/i18n/choose/", {"language": "en", "next": "/catalog/"})
    assert switched.status_code == 302 and switched["Location"] == "/catalog/"
    assert client.get("/catalog/")["Content-Language"] == "en"
    elsewhere = client.get("/i18n/choose/", {"language": "vi", "next": "https://evil.example/"})
    assert elsewhere["Location"] == "/"  # never sent to another site
    assert client.get("/catalog/")["Content-Language"] == "vi"
    client.get("/i18n/choose/", {"language": "xx", "next": "/catalog/"})
    assert client.get("/catalog/")["Content-Language"] == "vi"  # an unknown language changes nothing
