from django.core.management.base import BaseCommand

from accounts.demo import load_demo_users


class Command(BaseCommand):
    help = "Create the demo accounts (one per role in Tỉnh Điện Biên and Tỉnh Sơn La). Idempotent."

    def handle(self, *args, **options):
        rows = load_demo_users()
        self.stdout.write(f"demo accounts: {len(rows)}")
