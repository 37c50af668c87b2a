import time

from django.core.management.base import BaseCommand, CommandError

from areas.loader import load_units
from core.errors import DomainError


class Command(BaseCommand):
    help = "Load or refresh reference data: administrative units of both schemes and their successions. Idempotent."

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            report = load_units(actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"done in {time.monotonic() - started:.1f}s")
