import sys

from django.core.management.base import BaseCommand

from ntm.loader import CriteriaErrors, load_files


class Command(BaseCommand):
    help = (
        "Load NTM criteria sets: a YAML file per set (like ntm/criteria/ntm-2021.yaml) or a CSV/XLSX of indicators and "
        "thresholds for sets already loaded. All files validated together; nothing written on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="YAML, CSV (UTF-8) or XLSX files")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args, paths, dry_run, **options):
        try:
            result = load_files(paths, dry_run=dry_run)
        except CriteriaErrors as exc:
            for problem in exc.problems:
                self.stdout.write(problem)
            self.stdout.flush()
            sys.exit(1)
        if dry_run:
            self.stdout.write("dry run: nothing was written")
        self.stdout.write(result.summary)
