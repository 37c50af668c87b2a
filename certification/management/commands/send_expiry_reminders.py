import datetime

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus
from django.utils import timezone

from certification.tasks import send_expiry_reminders


class Command(BaseCommand):
    help = (
        "Enqueue the expiry reminders (certification.tasks.send_expiry_reminders): holders and province officers are "
        "notified when a certificate's re-rating window opens and before it closes (26/2026 Điều 7.6.a), or, under "
        "earlier rules, when it expires within OCOP_EXPIRY_WARNING_DAYS (at least the 30 days of the process rules); "
        "officers of expired certificates not re-recognised. Reruns send nothing twice. Run it daily, from cron "
        "(e.g. `15 6 * * * manage.py send_expiry_reminders`) or a task worker's schedule."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to check, YYYY-MM-DD (default: today, local time)")

    def handle(self, *args, date=None, **options):
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date {date}: ngày không hợp lệ, hãy viết theo dạng YYYY-MM-DD.") from exc
        else:
            day = timezone.localdate()
        result = send_expiry_reminders.enqueue(day.isoformat())
        if result.status == TaskResultStatus.FAILED:
            detail = result.errors[-1].traceback.strip().splitlines()[-1] if result.errors else ""
            raise CommandError(f"send_expiry_reminders {day.isoformat()} failed: {detail}")
        if result.status == TaskResultStatus.SUCCESSFUL:
            counts = result.return_value
            self.stdout.write(
                f"{day.isoformat()}: {counts['expiring']} expiring (window {counts['window_days']} days), "
                f"{counts['rerating_open']} re-rating windows open, {counts['rerating_closing']} closing, "
                f"{counts['expired']} expired not re-recognised, {counts['notifications']} new notifications"
            )
        else:
            self.stdout.write(f"{day.isoformat()}: enqueued as task {result.id}")
