"""Backups: one timestamped archive (tar.gz) holding the database, the uploaded files and a manifest; and its restore.

Archive members:
- `database.sqlite3` — SQLite, copied with the online backup API (consistent while the server runs), or
  `database.dump` — PostgreSQL, `pg_dump --format=custom` of a snapshot whose row counts the manifest records;
- `media/…` — the default file storage (settings.STORAGES["default"], VAR_DIR/media): dossiers, photos, import files;
- `manifest.json` — format, date, project version and commit, database vendor, the database file's SHA-256, row counts
  per table, the number and size of media files, and the migrations applied.

Nothing else under VAR_DIR is kept: import progress/cancel files (imports/jobs) are scratch, and the SQLite file is the
database itself. `restore` checks the manifest (format, checksum, vendor, no migration unknown to this code), refuses
a database or media directory that is not empty unless forced, restores, and compares row counts with the manifest.
"""

import datetime
import hashlib
import importlib.metadata
import io
import json
import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.files.storage import storages
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

logger = logging.getLogger("core.backup")

FORMAT = 1
PREFIX = "ocop-backup-"
SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (the commands turn it into a CommandError)."""


# ── the database ───────────────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Database:
    vendor: str  # "sqlite" or "postgresql"
    params: dict  # Django's settings dict (NAME, USER, PASSWORD, HOST, PORT, OPTIONS)

    @classmethod
    def of(cls, url: str | None = None) -> "Database":
        params = dj_database_url.parse(url) if url else dict(connections["default"].settings_dict)
        engine = params.get("ENGINE", "")
        if engine.endswith("sqlite3"):
            return cls("sqlite", params)
        if "postgresql" in engine or "postgis" in engine:
            return cls("postgresql", params)
        raise BackupError(f"unsupported database engine {engine!r}: only SQLite and PostgreSQL")

    @property
    def name(self) -> str:
        return str(self.params["NAME"])

    def pg_env(self) -> dict:
        """libpq environment for pg_dump / pg_restore / psql: the password never appears on a command line."""
        env = dict(os.environ)
        p = self.params
        for var, value in (
            ("PGDATABASE", p.get("NAME")),
            ("PGUSER", p.get("USER")),
            ("PGPASSWORD", p.get("PASSWORD")),
            ("PGHOST", p.get("HOST")),
            ("PGPORT", p.get("PORT")),
            ("PGSSLMODE", (p.get("OPTIONS") or {}).get("sslmode")),
        ):
            if value:
                env[var] = str(value)
        return env

    def pg_connect(self):
        import psycopg

        p = self.params
        kwargs = {"dbname": p["NAME"], "user": p.get("USER") or None, "password": p.get("PASSWORD") or None}
        kwargs.update(host=p.get("HOST") or None, port=p.get("PORT") or None)
        if (p.get("OPTIONS") or {}).get("sslmode"):
            kwargs["sslmode"] = p["OPTIONS"]["sslmode"]
        return psycopg.connect(**{k: v for k, v in kwargs.items() if v is not None})

    def describe(self) -> str:
        if self.vendor == "sqlite":
            return f"SQLite {self.name}"
        host = self.params.get("HOST") or "local socket"
        return f"PostgreSQL {self.name} on {host}"


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname"
    )
    return [row[0] for row in cursor.fetchall()]


def _pg_counts(cursor) -> dict[str, int]:
    from psycopg import sql

    counts = {}
    for table in _pg_tables(cursor):
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [row[0] for row in rows]


def _sqlite_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in _sqlite_tables(conn)}
    finally:
        conn.close()


def row_counts(db: Database) -> dict[str, int]:
    """Rows per table of a database as it is now (for comparing a restore)."""
    if db.vendor == "sqlite":
        return _sqlite_counts(Path(db.name)) if Path(db.name).exists() else {}
    with db.pg_connect() as conn, conn.cursor() as cursor:
        return _pg_counts(cursor)


def is_empty(db: Database) -> bool:
    """No table at all (a new SQLite file or a database just created with createdb)."""
    if db.vendor == "sqlite":
        path = Path(db.name)
        if not path.exists() or path.stat().st_size == 0:
            return True
        conn = sqlite3.connect(path)
        try:
            return not _sqlite_tables(conn)
        finally:
            conn.close()
    with db.pg_connect() as conn, conn.cursor() as cursor:
        return not _pg_tables(cursor)


def _run(command: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} not found: install the PostgreSQL client tools (postgresql-client)")
    result = subprocess.run(command, env=env, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def _dump_sqlite(db: Database, dest: Path) -> dict[str, int]:
    source = sqlite3.connect(db.name, timeout=30)
    target = sqlite3.connect(dest)
    try:
        with target:
            source.backup(target)  # the online backup API: a consistent copy while others read and write
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        if target.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the copy of the SQLite database fails its integrity check")
    finally:
        target.close()
        source.close()
    return _sqlite_counts(dest)


def _dump_postgresql(db: Database, dest: Path) -> dict[str, int]:
    """pg_dump of an exported snapshot, counted in that same snapshot: the counts describe exactly the dump."""
    with db.pg_connect() as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _pg_counts(cursor)
            _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dest}"], db.pg_env())
        conn.rollback()
    return counts


# ── media ──────────────────────────────────────────────────────────────────────────────────────────────────────────


def media_root() -> Path | None:
    """The directory of the default file storage, or None when it is not on this machine's disk (e.g. S3)."""
    location = getattr(storages["default"], "location", None)
    return Path(location) if location else None


def _media_files(root: Path | None) -> list[Path]:
    if root is None or not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _media_stats(root: Path | None) -> dict:
    files = _media_files(root)
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


# ── the archive ────────────────────────────────────────────────────────────────────────────────────────────────────


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _commit() -> str | None:
    if not (Path(settings.BASE_DIR) / ".git").exists() or shutil.which("git") is None:
        return None
    result = subprocess.run(
        ["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or None


def _version() -> str | None:
    try:
        return importlib.metadata.version("ocop-ntm")
    except importlib.metadata.PackageNotFoundError:
        return None


def _applied_migrations() -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied = {}
    for app, name in MigrationRecorder(connections["default"]).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def archive_name(moment: datetime.datetime) -> str:
    return f"{PREFIX}{moment.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}{SUFFIX}"


def backup(
    to_dir: str | Path | None = None, *, keep_days: int | None = None, audited: bool = True
) -> tuple[Path, dict]:
    """Write one archive of the default database and the media files into `to_dir` (settings.BACKUP_DIR). Returns
    its path and manifest. With keep_days > 0, this command's archives older than that in `to_dir` are deleted.
    The copy is audited (`core.backup.created`, by the system): a copy of the whole database leaves a trace."""
    db = Database.of()
    out = Path(to_dir or settings.BACKUP_DIR)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    now = timezone.now()
    final = out / archive_name(now)
    part = final.with_name(final.name + ".part")
    media = media_root()
    with tempfile.TemporaryDirectory(dir=out, prefix=".backup-") as work:
        dump = Path(work) / DB_MEMBER[db.vendor]
        counts = _dump_sqlite(db, dump) if db.vendor == "sqlite" else _dump_postgresql(db, dump)
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the archive holds password hashes
        added = {"files": 0, "bytes": 0}
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                tar.add(dump, arcname=dump.name)
                for path in _media_files(media):
                    try:
                        info = tar.gettarinfo(path, arcname=f"media/{path.relative_to(media).as_posix()}")
                        with path.open("rb") as f:
                            tar.addfile(info, f)
                    except FileNotFoundError:  # deleted while we were copying: it is not in the backup
                        continue
                    added["files"] += 1
                    added["bytes"] += info.size
                manifest = {
                    "format": FORMAT,
                    "created_at": now.isoformat(),
                    "created_local": timezone.localtime(now).isoformat(),
                    "host": socket.gethostname(),
                    "version": _version(),
                    "commit": _commit(),
                    "database": {
                        "vendor": db.vendor,
                        "file": dump.name,
                        "sha256": _sha256(dump),
                        "bytes": dump.stat().st_size,
                    },
                    "row_counts": counts,
                    "media": {**added, "stored": media is not None},
                    "migrations": _applied_migrations(),
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o600
                tar.addfile(info, io.BytesIO(data))
            os.replace(part, final)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
    logger.info(
        "backup %s: %s, %s rows in %s tables, %s media files",
        final,
        db.describe(),
        sum(counts.values()),
        len(counts),
        added["files"],
    )
    if audited:
        from core import audit

        audit.record(
            actor=None,
            action="core.backup.created",
            object_type_label="backup",
            object_id=final.name,
            label=final.name,
            after={
                "directory": str(out),
                "sha256": _sha256(final),
                "rows": sum(counts.values()),
                "media_files": added["files"],
            },
        )
    keep = settings.BACKUP_KEEP_DAYS if keep_days is None else keep_days
    if keep and keep > 0:
        prune(out, keep_days=keep, now=now, spare=final)
    return final, manifest


def prune(directory: Path, *, keep_days: int, now: datetime.datetime, spare: Path) -> list[Path]:
    """Delete this command's archives in `directory` older than keep_days (never `spare`, the one just written)."""
    limit = now - datetime.timedelta(days=keep_days)
    removed = []
    for path in directory.glob(f"{PREFIX}*{SUFFIX}"):
        stamp = path.name[len(PREFIX) : -len(SUFFIX)]
        try:
            made = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
        except ValueError:
            continue
        if made < limit and path != spare:
            path.unlink()
            removed.append(path)
    return removed


def scheduled_backup() -> dict:
    """For PERIODIC_JOBS (settings BACKUP_AT): a backup into BACKUP_DIR, run by the worker."""
    path, manifest = backup()
    return {"archive": str(path), "rows": sum(manifest["row_counts"].values()), "media": manifest["media"]["files"]}


# ── restore ────────────────────────────────────────────────────────────────────────────────────────────────────────


@dataclass
class Unpacked:
    root: Path
    manifest: dict

    @property
    def database(self) -> Path:
        return self.root / self.manifest["database"]["file"]

    @property
    def media(self) -> Path:
        return self.root / "media"


def unpack(archive: Path, into: Path) -> Unpacked:
    """Extract the archive (safely: no links, devices or paths outside `into`) and check it against its manifest."""
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                top = member.name.split("/", 1)[0]
                if not (member.isfile() or member.isdir()) or top not in {MANIFEST, "media", *DB_MEMBER.values()}:
                    raise BackupError(f"{archive}: unexpected member {member.name!r}: not an archive of this system")
            tar.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{archive}: not a readable tar.gz archive ({exc})") from exc
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{archive}: no readable {MANIFEST}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: manifest format {manifest.get('format')!r}, this code reads format {FORMAT}")
    unpacked = Unpacked(into, manifest)
    database = manifest.get("database") or {}
    if database.get("file") not in DB_MEMBER.values() or DB_MEMBER.get(database.get("vendor")) != database["file"]:
        raise BackupError(f"{archive}: the manifest names no database file of a known vendor")
    if not unpacked.database.is_file() or _sha256(unpacked.database) != database.get("sha256"):
        raise BackupError(f"{archive}: {database['file']} does not match the checksum in the manifest")
    found = _media_stats(unpacked.media)
    expected = {k: manifest.get("media", {}).get(k) for k in ("files", "bytes")}
    if found != expected:
        raise BackupError(f"{archive}: media files {found} differ from the manifest's {expected}")
    return unpacked


def unknown_migrations(manifest: dict) -> list[str]:
    """Migrations the archive's database has applied that this code does not have (the archive is from newer code)."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(
        f"{app}.{name}"
        for app, names in manifest.get("migrations", {}).items()
        for name in names
        if (app, name) not in known
    )


def _restore_sqlite(source: Path, db: Database) -> None:
    Path(db.name).parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(db.name, timeout=30)
    try:
        src.backup(dst)  # replaces every page of the target, under its lock
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def _restore_postgresql(dump: Path, db: Database) -> None:
    """One transaction: empty the schema, then the dump's SQL (pg_restore turns the archive into SQL for psql)."""
    env = db.pg_env()
    with db.pg_connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
    for tool in ("pg_restore", "psql"):
        if shutil.which(tool) is None:
            raise BackupError(f"{tool} not found: install the PostgreSQL client tools (postgresql-client)")
    quoted = '"' + schema.replace('"', '""') + '"'
    reset = f"DROP SCHEMA IF EXISTS {quoted} CASCADE; CREATE SCHEMA {quoted};"
    producer = subprocess.Popen(
        ["pg_restore", "--no-owner", "--file=-", str(dump)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    consumer = subprocess.run(
        ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", "-c", reset, "-f", "-"],
        env=env,
        stdin=producer.stdout,
        capture_output=True,
        text=True,
    )
    producer.stdout.close()
    producer_err = producer.stderr.read().decode(errors="replace")
    producer.wait()
    if producer.returncode != 0:
        raise BackupError(f"pg_restore failed ({producer.returncode}): {producer_err.strip()[-2000:]}")
    if consumer.returncode != 0:
        raise BackupError(
            f"psql failed ({consumer.returncode}), nothing was changed: {consumer.stderr.strip()[-2000:]}"
        )


def _place_media(source: Path, root: Path, moment: datetime.datetime) -> Path | None:
    """Put the restored media at `root`; a non-empty directory already there is kept beside it, renamed."""
    kept = None
    if root.exists():
        if any(root.iterdir()):
            kept = root.with_name(f"{root.name}.before-restore-{moment.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}")
            root.rename(kept)
        else:
            root.rmdir()
    root.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.move(str(source), str(root))
    else:
        root.mkdir()
    return kept


@dataclass
class RestoreReport:
    manifest: dict
    database: str
    media_root: Path | None
    kept_media: Path | None
    pending_migrations: int


def restore(
    archive: str | Path,
    *,
    database_url: str | None = None,
    media_to: str | Path | None = None,
    force: bool = False,
    check_only: bool = False,
) -> RestoreReport:
    archive = Path(archive)
    db = Database.of(database_url)
    target_media = Path(media_to) if media_to else media_root()
    scratch_parent = target_media.parent if target_media else None
    if scratch_parent is not None:
        scratch_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=scratch_parent) as work:
        unpacked = unpack(archive, Path(work))
        manifest = unpacked.manifest
        vendor = manifest["database"]["vendor"]
        if vendor != db.vendor:
            raise BackupError(f"the archive holds a {vendor} database; the target is {db.describe()}")
        newer = unknown_migrations(manifest)
        if newer:
            raise BackupError(
                f"the archive comes from newer code (migrations unknown here: {', '.join(newer[:5])}"
                f"{'…' if len(newer) > 5 else ''}); restore it with that version of the code"
            )
        applied = {(app, name) for app, names in manifest.get("migrations", {}).items() for name in names}
        pending = len(set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations) - applied)
        if check_only:
            return RestoreReport(manifest, db.describe(), target_media, None, pending)
        refusals = []
        if not is_empty(db):
            refusals.append(f"the database ({db.describe()}) is not empty")
        if manifest["media"].get("stored") and target_media is None:
            raise BackupError("the archive holds media files but the default storage is not a local directory")
        if target_media is not None and target_media.is_dir() and any(target_media.iterdir()):
            refusals.append(f"the media directory {target_media} is not empty")
        if refusals and not force:
            raise BackupError("; ".join(refusals) + ": nothing was changed (--force overwrites them)")
        connections.close_all()
        if db.vendor == "sqlite":
            _restore_sqlite(unpacked.database, db)
        else:
            _restore_postgresql(unpacked.database, db)
        restored = row_counts(db)
        expected = manifest["row_counts"]
        if restored != expected:
            differ = sorted(t for t in set(restored) | set(expected) if restored.get(t) != expected.get(t))
            raise BackupError(f"restored row counts differ from the manifest in: {', '.join(differ[:10])}")
        kept = _place_media(unpacked.media, target_media, timezone.now()) if target_media is not None else None
    logger.info(
        "restore %s into %s: %s rows, %s media files",
        archive,
        db.describe(),
        sum(restored.values()),
        manifest["media"]["files"],
    )
    return RestoreReport(manifest, db.describe(), target_media, kept, pending)
