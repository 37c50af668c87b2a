from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one timestamped archive (tar.gz) of the database (SQLite: online backup API; PostgreSQL: pg_dump, "
        "custom format), the uploaded files (media) and a manifest (date, version, commit, vendor, row counts per "
        "table) into --to (default settings.BACKUP_DIR). Safe while the system runs. Copy the archive off the machine."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", help="directory for the archive (default: settings.BACKUP_DIR, var/backups)")
        parser.add_argument(
            "--keep-days",
            type=int,
            help="then delete this command's archives there older than N days (default settings.BACKUP_KEEP_DAYS; "
            "0 keeps all)",
        )

    def handle(self, *args, to=None, keep_days=None, **options):
        if keep_days is not None and keep_days < 0:
            raise CommandError("--keep-days must be 0 or more")
        try:
            path, manifest = backup(to, keep_days=keep_days)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"{path}: {manifest['database']['vendor']}, {rows} rows in {len(manifest['row_counts'])} tables, "
            f"{manifest['media']['files']} media files ({manifest['media']['bytes']} bytes)"
        )
