"""Progress and cancel signals of a running job, outside the database.

The import writes in one transaction: on SQLite nobody else may write while it runs, and on PostgreSQL its own
uncommitted updates are invisible to the page. So the worker writes its counters to a small file and the page's
"Hủy" leaves a file the worker's progress callback looks for (both under VAR_DIR/imports/jobs, shared by the web
and worker processes of one machine)."""

import json
import os
from pathlib import Path

from django.conf import settings


def _dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports" / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write(job_id: int, stage: str, done: int, total: int) -> None:
    path = _dir() / f"{job_id}.json"
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"stage": stage, "done": done, "total": total}))
    temporary.replace(path)  # atomic: a reader never sees half a file


def read(job_id: int) -> dict | None:
    try:
        return json.loads((_dir() / f"{job_id}.json").read_text())
    except (FileNotFoundError, ValueError):
        return None


def request_cancel(job_id: int) -> None:
    (_dir() / f"{job_id}.cancel").touch()


def cancel_requested(job_id: int) -> bool:
    return (_dir() / f"{job_id}.cancel").exists()


def clear(job_id: int) -> None:
    for suffix in (".json", ".cancel"):
        (_dir() / f"{job_id}{suffix}").unlink(missing_ok=True)
