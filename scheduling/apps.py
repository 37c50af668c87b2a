from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Việc định kỳ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from scheduling import checks as scheduling_checks
        from scheduling import signals  # noqa: F401  (connects the task_started/task_finished receivers)

        checks.register(scheduling_checks.periodic_jobs, "scheduling")
