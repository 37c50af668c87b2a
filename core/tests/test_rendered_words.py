"""No English or code words in the Vietnamese interface (issue 12).

With the demo loaded once for the module, each demo role signs in and opens the home page, every link of its menu and
the first page each list links to (a product, producer, idea, dossier, round, scoresheet, decision, certificate, NTM
commune and form, notification target, audit entry, …). The text a person sees — tags, scripts and styles stripped;
of the attributes only placeholder, title, aria-label and alt, which are read or shown — must not hold:

- a catalog string left untranslated: an English message of Django's catalogs that Django's Vietnamese catalog lacks
  ("- Select an option -"), or the English translation of one of our own strings (the English catalog's msgstr);
- a raw choice value where its label belongs ("submitted", "below_90", "co-ban-dat-chuan"), collected from every
  TextChoices of the project;
- a raw audit action code ("products.dossier.submitted": core.audit_labels names them for people);
- a common English interface word ("Save", "Cancel", "None", "Page", "of", …) or a Python repr ("<QuerySet",
  "object at 0x", a dict's "{'status': …}").

A single token inside <code> is left out: it marks what someone types into a file or reads off a label (an import's
column key, a certificate's code), shown as such on purpose; a sentence inside <code> is read.
"""

import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client, override_settings

# ── What a person sees ───────────────────────────────────────────────────────────────────────────────────────────────

SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
HIDDEN_ELEMENTS = ("script", "style", "template")


class VisibleText(HTMLParser):
    """The text of a page as it is read: data outside script/style, plus the attributes shown to people; and the
    page's links, to follow. A <code> holding one token (a column key, a certificate's code) is left out; a <code>
    holding a sentence is read like any text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0
        self._code: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "code" and self._code is None:
            self._code = []
        if self._hidden:
            return
        self.parts.extend(attrs[name] for name in SHOWN_ATTRIBUTES if attrs.get(name))
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1
        if tag == "code" and self._code is not None:
            code = " ".join("".join(self._code).split())
            if " " in code:
                self.parts.append(code)
            self._code = None

    def handle_data(self, data):
        if self._hidden:
            return
        if self._code is not None:
            self._code.append(data)
        else:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def visible(page: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(page)
    parser.close()
    return parser


# ── What must not be there ──────────────────────────────────────────────────────────────────────────────────────────


def _word(text: str) -> re.Pattern:
    """`text` standing alone: not inside a longer word, code, address or user name."""
    return re.compile(r"(?<![\w.:/@-])" + re.escape(text) + r"(?![\w@-]|\.\w)")


def _choices(cls=models.Choices):
    for sub in cls.__subclasses__():
        yield sub
        yield from _choices(sub)


# Choice values that are Vietnamese words written without accents, or abbreviations Vietnamese text uses itself: they
# stand in names and sentences ("cơ quan", "Quan Hóa", user names "xa.thanhyen"), so standing alone they prove
# nothing. Their labels are checked through the English words and the other values.
VIETNAMESE_VALUES = {"dn", "ho", "htx", "tht", "xa", "tinh", "huyen", "quan", "phuong"}


def choice_values() -> set[str]:
    """Every value of the project's TextChoices that can only be a code: letters (digits, '_', '-') that no
    Vietnamese sentence holds. Numbers ("148", "2025") are left out: they are years and decision numbers too."""
    base = Path(settings.BASE_DIR).resolve()
    ours = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and ".venv" not in Path(config.path).parts
    }
    values = set()
    for cls in _choices():
        if cls.__module__.split(".")[0] not in ours:
            continue
        for value in cls.values:
            if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_-]*", value):
                values.add(value)
    return values - VIETNAMESE_VALUES


ENGLISH_WORDS = [
    # the interface's verbs and nouns
    "Submit", "Save", "Cancel", "Delete", "Edit", "Search", "Next", "Previous", "Page", "of", "OK", "Yes", "No",
    "Back", "Close", "Add", "Remove", "Update", "Filter", "Export", "Import", "Upload", "Download", "Login", "Logout",
    "Details", "Status", "Name", "Date", "Actions", "Loading", "Error", "Warning", "Select", "Choose", "Required",
    "Unknown", "unknown", "Total", "Home", "Dashboard", "Settings", "Confirm", "Reset", "Clear", "system", "System",
    # what a template prints when it forgets to format
    "None", "none", "True", "False", "null", "undefined", "NaN", "created", "updated", "deleted",
]  # fmt: skip
REPRS = ["<QuerySet", "object at 0x", "<bound method", "Traceback", "{'", "['"]
ACTION_CODE = re.compile(
    r"(?<![\w.])(?:accounts|areas|certification|core|evaluation|notifications|ntm|producers|products|reports)"
    r"\.[a-z0-9_]+\.[a-z0-9_]+(?![\w.])"
)


def _django_catalog(language: str) -> dict[str, polib.POEntry]:
    entries = {}
    for path in Path(django.__file__).parent.glob(f"**/locale/{language}/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            entries.setdefault(entry.msgid, entry)
    return entries


def _phrase(text: str) -> str | None:
    """The longest run of plain words of a catalog string (placeholders and markup cut it), if it is a phrase of at
    least two words: single words are the English word list's job."""
    runs = re.split(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}|<[^>]*>", text)
    best = max((" ".join(run.split()) for run in runs), key=len, default="")
    return best if len(best.split()) >= 2 and re.search(r"[A-Za-z]{2}", best) else None


def untranslated_phrases() -> set[str]:
    """English that a Vietnamese page shows only when a catalog string went untranslated: Django's messages that its
    Vietnamese catalog does not translate, and the English translations of our own strings (people-facing ones only:
    ASCII, different from the Vietnamese)."""
    vietnamese = {msgid for msgid, e in _django_catalog("vi").items() if e.translated()}
    phrases = {_phrase(msgid) for msgid in _django_catalog("en") if msgid not in vietnamese}
    ours = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    phrases |= {_phrase(e.msgstr) for e in ours if e.msgstr and e.msgstr != e.msgid and e.msgstr.isascii()}
    return {p for p in phrases if p}


class Checks:
    def __init__(self):
        self.words = [("choice value", v, _word(v)) for v in sorted(choice_values())]
        self.words += [("English word", w, _word(w)) for w in ENGLISH_WORDS]
        self.phrases = [(p, set(re.findall(r"[A-Za-z]+", p))) for p in sorted(untranslated_phrases(), key=len)]

    def problems(self, text: str) -> list[tuple[str, str, str]]:
        found = []

        def add(kind, what, at):
            found.append((kind, what, text[max(0, at - 50) : at + len(what) + 50]))

        tokens = set(re.findall(r"[\w-]+", text))
        for kind, what, pattern in self.words:
            if what in tokens:  # the regex only where the word is
                for m in pattern.finditer(text):
                    add(kind, what, m.start())
        for what in REPRS:
            if what in text:
                add("Python repr", what, text.index(what))
        for m in ACTION_CODE.finditer(text):
            add("audit action code", m.group(0), m.start())
        words = set(re.findall(r"[A-Za-z]+", text))
        for phrase, needed in self.phrases:
            if needed <= words and phrase in text:  # the cheap test first: a page holds few English words
                add("untranslated catalog string", phrase, text.index(phrase))
        return found


# ── Where each role goes ─────────────────────────────────────────────────────────────────────────────────────────────

ROLES = {
    "province officer": "tinh.dienbien",
    "commune officer": "xa.thanhyen",
    "council chair": "hoidong.dienbien",
    "council member": "hoidong2.dienbien",
    "council secretary": "thuky.dienbien",
    "advisory team": "tuvan.dienbien",
    "producer": "chuthe.dienbien",
    "viewer": "xem.dienbien",
    "system admin": "admin",
    "visitor (not signed in)": None,
}

# The first link to each kind of page found on the home page and the menu's pages is opened too.
FOLLOWED = [
    r"/products/\d+/",
    r"/products/\d+/edit/",
    r"/products/new/",
    r"/producers/\d+/",
    r"/producers/\d+/edit/",
    r"/producers/new/",
    r"/ideas/\d+/",
    r"/ideas/new/",
    r"/ideas/dossiers/",
    r"/ideas/dossiers/\d+/",
    r"/ideas/dossiers/\d+/forms/[\w-]+/",
    r"/evaluation/\d+/",
    r"/evaluation/\d+/board/",
    r"/evaluation/\d+/advisory/",
    r"/evaluation/\d+/ministry/",
    r"/evaluation/items/\d+/",
    r"/evaluation/items/\d+/advisory/",
    r"/evaluation/new/",
    r"/criteria/\d+/",
    r"/register/decisions/\d+/",
    r"/register/products/\d+/supervision/",
    r"/register/import/",
    r"/verify/",
    r"/verify/[\w-]+/",
    r"/ntm/[a-z]+/",
    r"/ntm/commune/[^/]+/",
    r"/ntm/assessments/\d+/",
    r"/reports/ocop/records/",
    r"/audit/\d+/",
    r"/accounts/users/\d+/",
    r"/accounts/users/new/",
    r"/accounts/[a-z]+/",
    r"/areas/(?:2025|pre2025):\d+/",
]
FOLLOWED_RE = [re.compile(f"^{pattern}$") for pattern in FOLLOWED]
# Not Vietnamese pages of ours: Django's admin and the API's documentation (Swagger) have their own catalogs; files.
NOT_PAGES = re.compile(r"^/(admin|api|i18n|static|media)/|\.(pdf|xlsx|csv|png|jpg)$|/logout/")
MENU = re.compile(r'<nav class="navbar.*?</nav>', re.S)


def crawl(client: Client, checks: Checks, also=()):
    """(pages opened with their status, the menu's links, problems found as (path, kind, what, context)); `also`:
    more pages to start from."""
    opened, problems, links = {}, [], []

    def open_page(path):
        response = client.get(path)
        opened[path] = response.status_code
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            page = visible(response.content.decode())
            problems.extend((path, *p) for p in checks.problems(page.text))
            links.extend(page.links)
        return response

    response = open_page("/")
    if response.status_code == 302:  # a visitor is sent to the public catalogue
        response = open_page(response["Location"])
    home = response.content.decode()
    menu = [href for href in visible(MENU.search(home).group(0)).links if _ours(href)]
    for path in [*menu, *also]:
        if path not in opened:
            open_page(path)
    seen_kinds, start = set(), 0
    for _depth in range(3):  # the menu's pages, then the pages they link to, then theirs (a round → its scoresheet)
        found, start = links[start:], len(links)
        for href in found:
            path = html.unescape(href).split("#")[0].split("?")[0]
            if not _ours(path) or path in opened:
                continue
            kind = next((i for i, pattern in enumerate(FOLLOWED_RE) if pattern.match(path)), None)
            if kind is None or kind in seen_kinds:
                continue
            seen_kinds.add(kind)
            if open_page(path).status_code == 200 and path.endswith("/new/"):
                refused = client.post(path, {})  # an empty form: its refusals are words people read too
                opened[f"{path} (POST)"] = refused.status_code
                problems.extend((f"{path} (POST)", *p) for p in checks.problems(visible(refused.content.decode()).text))
    return opened, menu, problems


def _ours(href: str) -> bool:
    return href.startswith("/") and not NOT_PAGES.search(href)


# ── The demo, once for the module ───────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once in a transaction rolled back after the module's tests (each test rolls back its own
    changes inside it); its dossier documents go to a temporary directory."""
    media = tmp_path_factory.mktemp("media")
    storages = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages, MEDIA_ROOT=media), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def checks():
    return Checks()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_speaks_vietnamese(demo, checks, role):
    from accounts.models import User
    from certification.models import Certificate

    client = Client()
    if ROLES[role]:
        client.force_login(User.objects.get(username=ROLES[role]))
    # what the public opens besides the menu: the lookup box and a certificate's QR page
    also = () if ROLES[role] else ("/verify/", f"/verify/{Certificate.objects.order_by('id').first().code}/")
    opened, menu, problems = crawl(client, checks, also)
    assert len(menu) >= 2, menu
    # "/" sends a visitor to the public catalogue (a redirect, followed by the crawl)
    broken = {path: status for path, status in opened.items() if status != 200 and (path, status) != ("/", 302)}
    assert broken == {}, f"{role}: pages that did not open: {broken}"
    assert len(opened) > len(menu) + len(also) + 1, f"{role}: no list led to a detail page: {sorted(opened)}"
    report = "\n".join(f"  {path}: {kind} “{what}” … {context} …" for path, kind, what, context in problems)
    assert problems == [], f"{role}: English or code words on {len({p[0] for p in problems})} pages:\n{report}"


# ── The scanner itself ───────────────────────────────────────────────────────────────────────────────────────────────


def test_the_scanner_finds_codes_english_and_reprs_in_what_people_see(checks):
    page = """<html><head><title>Trang</title><style>.x{}</style><script>var s = "Save None";</script></head><body>
      <p>Trạng thái: submitted · products.dossier.submitted · <b>Save</b> · None · <span title="Edit">✎</span></p>
      <select><option>- Select an option -</option></select><p>Page 2 of 3</p><p>{'status': 'draft'}</p>
      <input placeholder="Search"><code>below_90</code> <code>Đã tạo 3, cập nhật 0</code>
      <code>products created=1 updated=0</code>
      <a href="/products/?state=expired" data-action="certification.certificate.revoked">Đã nộp</a>
      <p>Cán bộ xã Thanh Yên, người dùng xa.thanhyen, cơ quan kiểm tra; 2025:03349</p></body></html>"""
    found = {(kind, what) for kind, what, _context in checks.problems(visible(page).text)}
    assert found == {
        ("choice value", "submitted"),
        ("choice value", "draft"),
        ("audit action code", "products.dossier.submitted"),
        ("English word", "Save"),
        ("English word", "None"),
        ("English word", "Edit"),
        ("English word", "Search"),
        ("English word", "Page"),
        ("English word", "of"),
        ("English word", "Select"),
        ("English word", "created"),
        ("English word", "updated"),
        ("untranslated catalog string", "- Select an option -"),
        ("Python repr", "{'"),
    }, found


@pytest.mark.django_db
def test_import_previews_speak_vietnamese(demo, checks, client, tmp_path, monkeypatch):
    """The register's and NTM's import previews (a dry run of the demo's own files) and their refusals."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import User
    from ntm.demo import demo_csv

    client.force_login(User.objects.get(username=ROLES["province officer"]))
    register = (Path(settings.BASE_DIR) / "products" / "data" / "demo_register.csv").read_bytes()
    pages = {
        "register": client.post(
            "/register/import/", {"kind": "register", "file": SimpleUploadedFile("so.csv", register)}, follow=True
        ),
        "register with errors": client.post(
            "/register/import/",
            {"kind": "register", "file": SimpleUploadedFile("so.csv", register[:300] + b"x,7,")},
            follow=True,
        ),
        "NTM": client.post("/ntm/import/", {"file": SimpleUploadedFile("ntm.csv", demo_csv())}, follow=True),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html_text = response.content.decode()
        assert 'data-testid="summary"' in html_text or 'data-testid="errors"' in html_text, name
        problems = checks.problems(visible(html_text).text)
        assert problems == [], f"{name}: {problems}"


@pytest.mark.django_db
def test_an_audit_entry_shows_its_values_in_words(client, province_officer, unit):
    """The log's page names each field and shows each value as pages do, and names the system as "Hệ thống"."""
    from core.models import AuditEntry
    from producers.services import create_producer, update_producer

    producer = create_producer(actor=None, name="HTX Thanh Nưa", producer_type="htx", location=unit("2025:03328"))
    update_producer(actor=province_officer, producer=producer, producer_type="dn", women_led=True)
    client.force_login(province_officer)
    created, updated = AuditEntry.objects.filter(object_type="producers.producer", object_id=str(producer.pk)).order_by(
        "id"
    )
    page = client.get(f"/audit/{updated.pk}/").content.decode()
    rows = re.findall(r'<tr( class="table-warning")?><th scope="row" class="fw-normal">([^<]*)</th><td>([^<]*)</td>'
                      r"<td>([^<]*)</td>", page)  # fmt: skip
    shown = {label: (old, new, bool(changed)) for changed, label, old, new in rows}
    assert shown["Loại hình"] == ("Hợp tác xã", "Doanh nghiệp", True)
    assert shown["Do phụ nữ làm chủ / điều hành"] == ("không", "có", True)
    assert shown["Số đăng ký kinh doanh / mã số thuế"] == ("—", "—", False)
    assert checks_of(page) == []
    system_page = client.get(f"/audit/{created.pk}/").content.decode()
    assert "Hệ thống" in visible(system_page).text and checks_of(system_page) == []


def checks_of(page: str):
    return Checks().problems(visible(page).text)
