import time

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from core.reference import load_all_reference_data


class Command(BaseCommand):
    help = "Load or refresh reference data: administrative units of both schemes with their successions, OCOP product categories, OCOP criteria sets (evaluation/criteria/*.yaml). Idempotent."  # noqa: E501

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            lines = load_all_reference_data()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"done in {time.monotonic() - started:.1f}s")
