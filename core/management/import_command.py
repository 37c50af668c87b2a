"""Shared shape of `import_*` commands: PATH [--dry-run]; errors as `row N: COLUMN: message`, exit 1; summary last."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.imports import ImportErrors


class ImportCommand(BaseCommand):
    importer = None  # a function(source, *, actor, dry_run, filename) -> result with .summary

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV (UTF-8) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args, path, dry_run, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: không có tệp này.")
        try:
            result = type(self).importer(file, actor=None, dry_run=dry_run, filename=file.name)
        except ImportErrors as exc:
            for error in exc.errors:
                self.stdout.write(str(error))
            self.stdout.flush()
            sys.exit(1)
        for warning in getattr(result, "warnings", None) or []:  # imported all the same: `row N: COL: warning: …`
            self.stdout.write(str(warning))
        if dry_run:
            self.stdout.write("dry run: nothing was written")
        self.stdout.write(result.summary)
