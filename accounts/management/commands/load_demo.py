from django.core.management.base import BaseCommand

from accounts.demo import load_demo_register, load_demo_users


class Command(BaseCommand):
    help = "Create the demo accounts (one per role in Điện Biên and Sơn La) and import the demo register. Idempotent."

    def handle(self, *args, **options):
        rows = load_demo_users()
        self.stdout.write(f"demo accounts: {len(rows)}")
        self.stdout.write(f"demo register: {load_demo_register().summary}")
