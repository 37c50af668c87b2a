from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.tasks import task
from django.utils.module_loading import import_string


@task()
def run_periodic_function(job: str, path: str, args: list, kwargs: dict):
    """A periodic job whose `task` is a plain function (e.g. imports.purge.purge), run by the worker. Only a function
    that PERIODIC_JOBS names for that job runs: a task row cannot make the worker call anything else."""
    spec = getattr(settings, "PERIODIC_JOBS", {}).get(job)
    if not spec or spec.get("task") != path:
        raise ImproperlyConfigured(f"{path} is not the task of the periodic job {job!r} in PERIODIC_JOBS")
    return import_string(path)(*args, **kwargs)
