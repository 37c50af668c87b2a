from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_USERS
from accounts.roles import Role
from areas.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args, **options):
        self.stdout.write(f"Tài khoản demo / demo logins (mật khẩu / password: {settings.DEMO_PASSWORD})")
        names = {
            str(u.area_id): u.name
            for u in AdministrativeUnit.objects.filter(code__in=[a.split(":")[1] for *_rest, a in DEMO_USERS if a])
        }
        for username, _name, role, area in DEMO_USERS:
            where = names.get(area, area) if area else "toàn quốc"
            self.stdout.write(f"  {username:<18} {Role(role).label} — {where}")
        self.stdout.write("Mở / open http://127.0.0.1:8000")
