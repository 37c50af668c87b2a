"""Shared shape of `import_*` commands: PATH [--dry-run] [--map "Heading=key,…"]; errors as `row N: COLUMN: message`,
exit 1; warnings as `row N: COLUMN: warning: message`; summary last."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.imports import ImportErrors, MappingError, parse_mapping


class ImportCommand(BaseCommand):
    importer = None  # a function(source, *, actor, dry_run, filename, mapping) -> result with .summary

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV (UTF-8) or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument(
            "--map",
            dest="mapping_text",
            metavar='"HEADING=key,…"',
            help='read a heading of the file as a column key, e.g. "Hạng sao=stars,Tên HTX=producer"; '
            "'HEADING=-' (or =ignore) ignores that column",
        )

    def handle(self, *args, path, dry_run, mapping_text=None, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: không có tệp này.")
        try:
            mapping = parse_mapping(mapping_text) if mapping_text else None
            result = type(self).importer(file, actor=None, dry_run=dry_run, filename=file.name, mapping=mapping)
        except MappingError as exc:
            raise CommandError(exc.message) from exc
        except ImportErrors as exc:
            problems = sorted([*exc.errors, *exc.warnings], key=lambda p: (p.row, p.column))
            for problem in problems:
                self.stdout.write(str(problem))
            self.stdout.flush()
            sys.exit(1)
        for warning in getattr(result, "warnings", None) or []:  # imported all the same: `row N: COL: warning: …`
            self.stdout.write(str(warning))
        if dry_run:
            self.stdout.write("dry run: nothing was written")
        self.stdout.write(result.summary)
