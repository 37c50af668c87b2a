from django.tasks import task


@task()
def run_import_job(job_id: int) -> str:
    """One phase of an import job (its dry run or its write), run by `manage.py db_worker`. Before it, at most every
    few minutes, the worker ends abandoned jobs and deletes old import files (imports.purge)."""
    from imports.purge import maybe_purge
    from imports.runner import run_job

    maybe_purge()
    return run_job(job_id)
