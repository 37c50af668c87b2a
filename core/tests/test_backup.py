"""manage.py backup / restore on the database the tests run on (CI runs SQLite and PostgreSQL): what was backed up is
what a fresh database holds after the restore, table by table, and the media files byte for byte."""

import datetime
import io
import json
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from areas.models import AdministrativeUnit
from core.backup import PREFIX, SUFFIX, Database, backup, row_counts
from core.models import AuditEntry

MEDIA = {
    "dossiers/3/business-plan.pdf": b"%PDF-1.4 plan\n%%EOF\n",
    "products/photos/hồ-sơ ảnh.jpg": bytes(range(256)) * 40,
    "imports/so-dang-ky.xlsx": b"PK\x03\x04 not really a workbook",
}


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_media(root: Path) -> dict:
    for name, data in MEDIA.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }


@pytest.fixture
def media(tmp_path):
    with override_settings(STORAGES=write_media(tmp_path / "media")):
        yield tmp_path / "media"


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """One archive of the test database and MEDIA, shared by the tests that only read it."""
    root = tmp_path_factory.mktemp("backup")
    with django_db_blocker.unblock(), override_settings(STORAGES=write_media(root / "media")):
        path, _ = backup(root / "out", audited=False)  # outside a test's transaction: leave no entry behind
    return path


def pg_url(params: dict, name: str) -> str:
    user = quote(params.get("USER") or "")
    password = f":{quote(params['PASSWORD'])}" if params.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return f"postgres://{credentials}{params.get('HOST') or ''}{port}/{name}"


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of a new, empty database of the vendor the tests run on (dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    import psycopg
    from psycopg import sql

    params = connection.settings_dict
    name = f"{params['NAME']}_restore"[:63]
    admin = Database.of(pg_url(params, "postgres"))
    with psycopg.connect(**_conninfo(admin), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield pg_url(params, name)
    finally:
        with psycopg.connect(**_conninfo(admin), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _conninfo(db: Database) -> dict:
    p = db.params
    info = {"dbname": p["NAME"], "user": p.get("USER"), "password": p.get("PASSWORD"), "host": p.get("HOST")}
    info["port"] = p.get("PORT")
    return {k: v for k, v in info.items() if v}


@pytest.mark.django_db
def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_files(media, fresh_database, tmp_path, capsys):
    call_command("backup", to=str(tmp_path / "backups"))
    [archive] = (tmp_path / "backups").glob(f"{PREFIX}*{SUFFIX}")
    assert archive.stat().st_mode & 0o077 == 0  # password hashes inside: readable by the owner only
    assert f"{connection.vendor}, " in capsys.readouterr().out
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    # the manifest describes the database as it is (the reference data loaded for the test session)
    counted = row_counts(Database.of())
    assert manifest["row_counts"] == counted
    assert manifest["row_counts"]["areas_administrativeunit"] == AdministrativeUnit.objects.count() > 10_000
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["media"] == {"files": 3, "bytes": sum(map(len, MEDIA.values())), "stored": True}
    assert manifest["migrations"]["core"] and manifest["created_at"]
    entry = AuditEntry.objects.get(action="core.backup.created")
    assert entry.object_label == archive.name and entry.actor_label == "system"
    assert entry.after["rows"] == sum(counted.values()) and entry.after["media_files"] == 3

    restored_media = tmp_path / "restored-media"
    call_command("restore", str(archive), database_url=fresh_database, media_root=str(restored_media))
    assert row_counts(Database.of(fresh_database)) == counted
    assert files_under(restored_media) == MEDIA
    assert "as in the manifest" in capsys.readouterr().out

    # a second restore onto what is now a full database is refused, and changes nothing
    with pytest.raises(CommandError, match="is not empty.*--force"):
        call_command("restore", str(archive), database_url=fresh_database, media_root=str(restored_media))
    (restored_media / "added-after.txt").write_text("kept aside")
    call_command("restore", str(archive), database_url=fresh_database, media_root=str(restored_media), force=True)
    assert row_counts(Database.of(fresh_database)) == counted
    assert files_under(restored_media) == MEDIA
    [kept] = tmp_path.glob("restored-media.before-restore-*")
    assert files_under(kept)["added-after.txt"] == b"kept aside"


def rewrite(archive: Path, dest: Path, change) -> Path:
    """A copy of the archive whose manifest went through `change(manifest)`."""
    with tarfile.open(archive) as src, tarfile.open(dest, "w:gz", compresslevel=1) as out:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    return dest


@pytest.mark.django_db
def test_restore_checks_the_manifest_before_touching_anything(archive, tmp_path):
    call_command("restore", str(archive), check=True)

    def checksum(m):
        m["database"]["sha256"] = "0" * 64

    def vendor(m):
        other = "postgresql" if m["database"]["vendor"] == "sqlite" else "sqlite"
        m["database"]["vendor"] = other

    def newer(m):
        m["migrations"]["core"].append("9999_from_the_future")

    def media_count(m):
        m["media"]["files"] += 1

    def version(m):
        m["format"] = 2

    cases = [
        (checksum, "does not match the checksum"),
        (vendor, "no database file of a known vendor"),
        (newer, "newer code.*core.9999_from_the_future"),
        (media_count, "media files"),
        (version, "format 2"),
    ]
    for change, message in cases:
        bad = rewrite(archive, tmp_path / f"bad-{change.__name__}.tar.gz", change)
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(bad), check=True)


@pytest.mark.django_db
def test_restore_refuses_an_archive_of_the_other_vendor_and_a_hostile_one(archive, tmp_path):
    other = "postgres://nobody@127.0.0.1:1/none" if connection.vendor == "sqlite" else "sqlite:////nonexistent.db"
    with pytest.raises(CommandError, match="the archive holds a"):
        call_command("restore", str(archive), database_url=other)

    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(hostile, "w:gz") as tar:
        info = tarfile.TarInfo("media/../../escaped.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(CommandError, match="not a readable|unexpected member"):
        call_command("restore", str(hostile), check=True)
    assert not (tmp_path.parent / "escaped.txt").exists()


@pytest.mark.django_db
def test_backup_keep_days_deletes_only_its_own_older_archives(tmp_path, media):
    old = tmp_path / f"{PREFIX}20200101T000000Z{SUFFIX}"
    recent_stamp = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2)).strftime("%Y%m%dT%H%M%SZ")
    recent = tmp_path / f"{PREFIX}{recent_stamp}{SUFFIX}"
    other = tmp_path / "ocop-before-upgrade.tar.gz"
    for path in (old, recent, other):
        path.write_bytes(b"")
    call_command("backup", to=str(tmp_path), keep_days=7)
    assert not old.exists() and recent.exists() and other.exists()
    assert len(list(tmp_path.glob(f"{PREFIX}*{SUFFIX}"))) == 2
