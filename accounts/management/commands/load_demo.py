from django.core.management.base import BaseCommand

from accounts.demo import load_demo_register, load_demo_users
from evaluation.demo import load_demo_evaluation
from ntm.demo import load_demo_ntm


class Command(BaseCommand):
    help = (
        "Create the demo accounts (one per role in Điện Biên and Sơn La), import the demo register, and load the "
        "demo council round and NTM cases. Idempotent."
    )

    def handle(self, *args, **options):
        rows = load_demo_users()
        self.stdout.write(f"demo accounts: {len(rows)}")
        self.stdout.write(f"demo register: {load_demo_register().summary}")
        self.stdout.write(f"demo OCOP council: {load_demo_evaluation().summary}")
        self.stdout.write(f"demo NTM: {load_demo_ntm().summary}")
