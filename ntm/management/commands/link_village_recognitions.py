from django.core.management.base import BaseCommand, CommandError

from areas.queries import get_unit
from core.errors import DomainError
from ntm.village_services import link_village_recognitions


class Command(BaseCommand):
    help = (
        "Link village recognitions recorded with a name only (imports) to the registry village of that name lying in "
        "the recognition's commune on its day. Each link is audited (ntm.recognition.village_linked); a name matching "
        "no village, or several, is left as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument("--area", help="an area id (e.g. 2025:11, pre2025:100); default: everywhere")

    def handle(self, *args, area=None, **options):
        try:
            unit = get_unit(area) if area else None
            linked, left = link_village_recognitions(actor=None, area=unit)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"linked {linked}, left without a single match {left}")
