from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_USERS
from accounts.roles import Role


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        self.stdout.write(f"Tài khoản demo / demo logins (mật khẩu / password: {settings.DEMO_PASSWORD})")
        for username, _name, role, area in DEMO_USERS:
            self.stdout.write(f"  {username:<18} {Role(role).label} — {area or 'toàn quốc'}")
        self.stdout.write("Mở / open http://127.0.0.1:8000")
