import sys
from pathlib import Path

from django.core.management.base import CommandError

from core.imports import ImportErrors
from core.management.import_command import ImportCommand, acting_user, add_as_argument
from evaluation.spreadsheet import import_criteria
from evaluation.validation import CriteriaErrors


class Command(ImportCommand):
    help = (
        "Load OCOP scoring sheets from a spreadsheet (XLSX/CSV, one row per option; template: "
        "export_criteria_template, docs/criteria-template.md) into an existing criteria set, or whole criteria sets "
        "from a YAML file (format of evaluation/criteria/*.yaml). Everything is validated first: each part's "
        "criteria reach exactly its points, the set 100, no duplicate codes; every problem is printed with its row "
        "(or YAML path) and nothing is written. A published set is never edited: load a new version with a new code. "
        "--as USERNAME loads as that person (a nationwide system administrator; the audit log names them); without "
        "--as the load runs as the system."
    )
    importer = staticmethod(import_criteria)

    def add_arguments(self, parser):
        parser.add_argument("path", help="XLSX, CSV (UTF-8) or YAML file")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument(
            "--publish", action="store_true", help="publish the sets in the file once loaded (then never editable)"
        )
        add_as_argument(parser)

    def handle(self, *args, path, dry_run, publish=False, as_username=None, **options):
        from evaluation.services import CRITERIA_ADMIN, may_administer_criteria

        actor = acting_user(as_username, CRITERIA_ADMIN)
        if actor is not None and not may_administer_criteria(actor):
            raise CommandError(f"--as {as_username}: chỉ quản trị hệ thống (toàn quốc) được nạp bộ tiêu chí.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: không có tệp này.")
        try:
            result = import_criteria(file, actor=actor, dry_run=dry_run, filename=file.name, publish=publish)
        except ImportErrors as exc:
            for error in exc.errors:
                self.stdout.write(str(error))
            self.stdout.flush()
            sys.exit(1)
        except CriteriaErrors as exc:
            for problem in exc.problems:
                self.stdout.write(str(problem))
            self.stdout.flush()
            sys.exit(1)
        if dry_run:
            self.stdout.write("dry run: nothing was written")
        self.stdout.write(result.summary)
