from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.tasks import Task
from django.utils.module_loading import import_string


def periodic_jobs(app_configs=None, **kwargs):
    """Every PERIODIC_JOBS entry is well formed and names an importable task or function."""
    from django.conf import settings

    from scheduling.schedule import parse_job

    errors = []
    for name, spec in getattr(settings, "PERIODIC_JOBS", {}).items():
        try:
            job = parse_job(name, spec)
            target = import_string(job.task)
            if not isinstance(target, Task) and not callable(target):
                raise ImproperlyConfigured(f"PERIODIC_JOBS[{name!r}]: {job.task} is not callable")
        except (ImproperlyConfigured, ImportError) as exc:
            errors.append(checks.Error(str(exc), id="scheduling.E001"))
    return errors
