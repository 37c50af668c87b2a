"""Logins while a large register import writes (`python bench/import_concurrency.py [ROWS]`; issue 14).

Generates the register of bench/register_import.py (default 20,000 rows), runs its real import in a thread, and logs
in from another thread once a second until the import ends, printing each login's status and latency. On SQLite the
import's transaction takes the write lock only at its first write (core.imports.run_import), so logins are answered
while it reads and plans; while its bulk writes run they wait up to the busy timeout (SQLITE_BUSY_TIMEOUT).
Runs on DATABASE_URL or a throwaway SQLite file.
"""

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def bench_logins_during_import(n_rows: int = 20000):
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from accounts import services
    from areas.models import AdministrativeUnit
    from bench.register_import import generate
    from certification.imports import import_register

    call_command("migrate", verbosity=0)
    if not AdministrativeUnit.objects.exists():
        from core.reference import load_all_reference_data

        load_all_reference_data()
    username = f"bench-{int(time.time())}"
    services.create_user(actor=None, username=username, password="pw-bench-login", full_name="Bench")
    path = Path(tempfile.mkdtemp()) / "register.xlsx"
    generate(path, n_rows)
    stages = {}

    def progress(stage, done, total):
        stages["now"] = f"{stage} {done}/{total}"

    def run():
        started = time.perf_counter()
        try:
            import_register(path, progress=progress)
            stages["result"] = f"import done in {time.perf_counter() - started:.1f} s"
        except Exception as exc:
            stages["result"] = f"import failed after {time.perf_counter() - started:.1f} s: {exc!r}"
        finally:
            connections.close_all()

    worker = threading.Thread(target=run)
    worker.start()
    failures = 0
    while worker.is_alive():
        client = Client(raise_request_exception=False, HTTP_HOST="localhost")
        started = time.perf_counter()
        status = client.post("/accounts/login/", {"username": username, "password": "pw-bench-login"}).status_code
        failures += status != 302
        print(f"login {status} in {time.perf_counter() - started:5.1f} s during {stages.get('now', 'start')}")
        time.sleep(1)
    worker.join()
    print(stages.get("result"), f"— {failures} failed login(s)")


if __name__ == "__main__":
    bench_logins_during_import(int(sys.argv[1]) if len(sys.argv) > 1 else 20000)
