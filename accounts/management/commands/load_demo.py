import time

from django.core.management.base import BaseCommand

from accounts.demo import demo_day, load_demo_ideas, load_demo_register, load_demo_users
from evaluation.demo import load_demo_evaluation
from ntm.demo import load_demo_assessments, load_demo_ntm
from ntm.demo_levels import load_demo_levels
from ntm.demo_procedure import load_demo_procedure
from programme.demo import load_demo_programme
from programme.demo_plans import load_demo_plans


class Command(BaseCommand):
    help = (
        "Create the demo accounts (one per role in Điện Biên and Sơn La), import the demo register (historical rows "
        "and certificates valid, expiring and expired on the demo's day), ideas and dossiers at every step, the demo "
        "council rounds (one finished, one being scored) and the NTM cases. Dated from the day the demo is first "
        "loaded; idempotent (a reload, on any later day, writes nothing)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = load_demo_users()
        self.stdout.write(f"demo accounts: {len(rows)}")
        self.stdout.write(f"demo register: {load_demo_register().summary}")
        self.stdout.write(f"demo day: {demo_day():%d/%m/%Y}")
        self.stdout.write(f"demo sales channels and events: {load_demo_programme().summary}")
        self.stdout.write(f"demo programme plans, projects, training, monitoring: {load_demo_plans().summary}")
        ideas = load_demo_ideas()
        self.stdout.write(f"demo ideas and dossiers created: {sum(ideas.values())} {ideas or ''}".rstrip())
        self.stdout.write(f"demo OCOP council: {load_demo_evaluation().summary}")
        self.stdout.write(f"demo NTM: {load_demo_ntm().summary}")
        states = load_demo_assessments()
        self.stdout.write(f"demo NTM assessments entered: {sum(states.values())} {states or ''}".rstrip())
        self.stdout.write(f"demo NTM levels: {load_demo_levels()}")
        procedure = load_demo_procedure()
        self.stdout.write(f"demo NTM recognition requests: {sum(procedure.values())} {procedure or ''}".rstrip())
        self.stdout.write(f"done in {time.monotonic() - started:.1f}s")
