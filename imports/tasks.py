from django.tasks import task


@task()
def run_import_job(job_id: int) -> str:
    """One phase of an import job (its dry run or its write), run by `manage.py db_worker`."""
    from imports.runner import run_job

    return run_job(job_id)
