from django.core.management.base import BaseCommand

from imports.purge import abandon_after, file_retention, purge, stale_after


class Command(BaseCommand):
    help = (
        "End import jobs nobody finishes and delete old import files (imports.purge): a job waiting (queued, for its "
        "column mapping or for 'Ghi') longer than IMPORT_ABANDON_AFTER is cancelled and its file deleted; a running "
        "job without progress for IMPORT_STALE_AFTER (its worker died) is marked failed; uploaded files and error "
        "workbooks of jobs ended more than IMPORT_FILE_RETENTION ago are deleted. Each change is audited. Run it "
        "from cron, e.g. hourly: `0 * * * * manage.py purge_imports` (the worker also runs it every 10 minutes "
        "while it has jobs to run)."
    )

    def handle(self, *args, **options):
        counts = purge()
        self.stdout.write(
            f"{counts['expired']} abandoned job(s) cancelled (waiting > {abandon_after()}), "
            f"{counts['worker_lost']} job(s) whose worker stopped marked ended (no progress for {stale_after()}), "
            f"files of {counts['files_purged']} job(s) deleted (ended > {file_retention()} ago)"
        )
