from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from evaluation.models import CriteriaSet
from evaluation.spreadsheet import write_template


class Command(BaseCommand):
    help = (
        "Write the spreadsheet template for OCOP scoring sheets (PATH.xlsx with explanations in header comments and "
        "a 'Hướng dẫn' sheet, or PATH.csv). With --set CODE, the set's loaded sheets are written as rows, which "
        "import_criteria reads back unchanged."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx or .csv file to write")
        parser.add_argument("--set", dest="set_code", help="write the loaded sheets of this criteria set (e.g. 1048)")

    def handle(self, *args, path, set_code=None, **options):
        criteria_set = None
        if set_code:
            criteria_set = CriteriaSet.objects.filter(code=set_code).first()
            if criteria_set is None:
                raise CommandError(f"không có bộ tiêu chí mã {set_code}.")
        try:
            rows = write_template(Path(path), criteria_set)
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        self.stdout.write(f"{path}: template written, {rows} option rows")
