from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup`: checks its manifest (format, checksum, database vendor, "
        "no migration unknown to this code), refuses a database or media directory that is not empty unless --force, "
        "restores the database and the media files, and compares the row counts per table with the manifest. Stop "
        "the web servers, workers and schedulers first. PostgreSQL: run as the tables' owner; the restore is one "
        "transaction (a failure changes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz written by manage.py backup")
        parser.add_argument("--force", action="store_true", help="overwrite a database and media that are not empty")
        parser.add_argument("--check", action="store_true", help="only check the archive against its manifest")
        parser.add_argument(
            "--database-url",
            help="restore into this database instead of the configured one (e.g. a scratch database for a restore "
            "test: postgres://owner@host:5432/ocop_restore_test, sqlite:////tmp/restore.sqlite3)",
        )
        parser.add_argument("--media-root", help="put the media files here instead of the default storage directory")

    def handle(self, *args, archive, force=False, check=False, database_url=None, media_root=None, **options):
        try:
            report = restore(archive, database_url=database_url, media_to=media_root, force=force, check_only=check)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = report.manifest
        made = f"made {manifest['created_local']} (version {manifest['version']}, commit {manifest['commit']})"
        rows = sum(manifest["row_counts"].values())
        if check:
            self.stdout.write(
                f"{archive}: OK, {made}: {manifest['database']['vendor']}, {rows} rows in "
                f"{len(manifest['row_counts'])} tables, {manifest['media']['files']} media files"
            )
            return
        self.stdout.write(
            f"restored {archive} ({made}) into {report.database}: {rows} rows in {len(manifest['row_counts'])} "
            f"tables, as in the manifest; {manifest['media']['files']} media files into {report.media_root}"
        )
        if report.kept_media:
            self.stdout.write(f"the media files that were there are kept in {report.kept_media}")
        if report.pending_migrations:
            self.stdout.write(f"this code has {report.pending_migrations} migration(s) more: run manage.py migrate")
