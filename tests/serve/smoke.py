"""CI smoke test of `make serve` (issue 15): the system served like production, end to end, in under two minutes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<throwaway> [REDIS_URL=redis://127.0.0.1:6379/14] \\
        .venv/bin/python tests/serve/smoke.py

Starts `make serve` (DEBUG off, gunicorn with WEB_CONCURRENCY=2, the background worker, Redis cache, pooled
PostgreSQL connections) on one port and a second gunicorn on another port sharing the database and Redis — two
servers, so a request cannot land on the same process by chance — then:

1. waits for both /readyz (database, cache, worker heartbeat), checks /healthz and the X-Request-ID echo;
2. creates a province officer with a management command (no demo data), signs in on server A;
3. reads the OCOP report of Tỉnh Điện Biên on server B;
4. uploads a register through server A: the worker runs the dry run, then (asked through A) the write;
5. reads the report again on server B: it counts the new products (the shared cache's data version moved);
6. finds server A's JSON access-log line for a request id it sent;
7. stops everything with SIGTERM and checks that every process ended.

Requests go as through a TLS-terminating proxy (X-Forwarded-Proto: https), so the production settings (secure
cookies, HTTPS redirect) stay as they are. Exit status 0 on success; on failure the servers' logs are printed.
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
AREA = "2025:11"  # Tỉnh Điện Biên
AS_OF = "2026-06-30"
USERNAME, PASSWORD = "smoke.tinh", "smoke-" + secrets.token_urlsafe(12)
REGISTER = "product,producer,producer_type,province,district,commune,group,stars,decision_no,decision_date\n" + "".join(
    f"Smoke {i},HTX Thanh Hưng,htx,Điện Biên,Điện Biên,Thanh Hưng,thuc-pham,3,9{i}/QĐ-UBND,01/03/2025\n"
    for i in range(3)
)
MAX_SECONDS = int(os.environ.get("SMOKE_MAX_SECONDS", "120"))  # the whole run, start to clean stop


class Failure(Exception):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A browser behind the proxy: keeps cookies itself (secure cookies over the proxied plain-HTTP hop)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, base, path, *, data=None, headers=None, content_type=None):
        url = base + path
        head = {"X-Forwarded-Proto": "https", "Origin": "https://" + base.split("://", 1)[1], **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None and content_type is None:
            data = urllib.parse.urlencode(data).encode()
            content_type = "application/x-www-form-urlencoded"
        if content_type:
            head["Content-Type"] = content_type
        req = urllib.request.Request(url, data=data, headers=head, method="POST" if data is not None else "GET")
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(req, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        body = response.read().decode("utf-8", "replace")
        return response.status, response.headers, body

    def csrf(self, base, path) -> str:
        status, _headers, body = self.request(base, path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not found:
            raise Failure(f"GET {path}: {status}, no CSRF token")
        return found.group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: text/csv\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait_for(what: str, check, timeout: float):
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            result = check()
            if result:
                return result
        except (OSError, urllib.error.URLError) as error:
            last = error
        time.sleep(0.5)
    raise Failure(f"timed out waiting for {what} (last error: {last})")


def ready(client, base):
    status, _headers, body = client.request(base, "/readyz")
    return status == 200 and json.loads(body)["status"] == "ok"


def report_total(client, base) -> int:
    status, _headers, body = client.request(base, f"/api/v1/reports/ocop?as_of={AS_OF}&area={AREA}")
    if status != 200:
        raise Failure(f"report on {base}: {status} {body[:200]}")
    return json.loads(body)["products"]["total"]


def job_status(client, base, job_path) -> str:
    status, _headers, body = client.request(base, job_path)
    found = re.search(r'data-status="([a-z_]+)"', body)
    if status != 200 or not found:
        raise Failure(f"GET {job_path}: {status}")
    return found.group(1)


def stop(process: subprocess.Popen, name: str) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise Failure(f"{name} did not stop within 30 s of SIGTERM") from None


def group_alive(process: subprocess.Popen, grace: float = 30) -> bool:
    """Whether any process of the group (make, the worker, gunicorn and its workers) is still there after `grace`."""
    end = time.monotonic() + grace
    while True:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return False
        if time.monotonic() > end:
            return True
        time.sleep(0.2)


def main() -> int:
    started = time.monotonic()
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql://")):
        print("smoke: set DATABASE_URL to a throwaway PostgreSQL database", file=sys.stderr)
        return 2
    db_name = database.rsplit("/", 1)[-1]
    env = {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        "CACHE_KEY_PREFIX": f"smoke-{db_name}",
        "WEB_CONCURRENCY": "2",
        "LOG_FORMAT": "json",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "INFO",
    }
    env.pop("DEBUG", None)
    port_a, port_b = free_port(), free_port()
    base_a, base_b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
    logs = Path(tempfile.mkdtemp(prefix="ocop-smoke-"))
    log_a, log_b = open(logs / "a.log", "w+b"), open(logs / "b.log", "w+b")  # noqa: SIM115 - closed in finally
    server_a = subprocess.Popen(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env={**env, "PORT": str(port_a)},
        stdout=log_a,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server_b = None
    client = Client()
    try:
        # Server B: the same gunicorn command as `make serve` runs, on another port; it boots while A migrates (it
        # runs no migrations itself) and is ready once A's database and worker are.
        server_b = subprocess.Popen(
            [GUNICORN, "-c", "config/gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "DEBUG": "off", "PORT": str(port_b)},
            stdout=log_b,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for("server A's /readyz", lambda: ready(client, base_a), MAX_SECONDS - 25)
        print(f"smoke: server A ready after {time.monotonic() - started:.0f} s")
        wait_for("server B's /readyz", lambda: ready(client, base_b), 20)

        status, headers, body = client.request(base_a, "/healthz", headers={"X-Request-ID": "smoke-health-1"})
        if status != 200 or json.loads(body) != {"status": "ok"} or headers["X-Request-ID"] != "smoke-health-1":
            raise Failure(f"/healthz: {status} {body} {headers.get('X-Request-ID')}")
        status, _headers, _body = client.request(base_a, "/static/css/app.css")
        if status != 200:
            raise Failure(f"a static file through WhiteNoise: {status}")

        subprocess.run(
            [PYTHON, "manage.py", "shell", "-v", "0", "-c", create_officer_code()],
            cwd=ROOT,
            env={**env, "DEBUG": "off", "SMOKE_PASSWORD": PASSWORD},
            check=True,
        )
        token = client.csrf(base_a, "/accounts/login/")
        status, headers, body = client.request(
            base_a,
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD},
        )
        if status != 302:
            raise Failure(f"sign-in on A: {status} {body[:300]}")

        before = report_total(client, base_b)
        token = client.csrf(base_a, "/register/import/")
        payload, content_type = multipart(
            {"csrfmiddlewaretoken": token, "kind": "register"}, {"file": ("smoke.csv", REGISTER.encode())}
        )
        status, headers, body = client.request(base_a, "/register/import/", data=payload, content_type=content_type)
        if status != 302 or not re.fullmatch(r"/imports/\d+/", headers.get("Location", "")):
            raise Failure(f"upload on A: {status} {headers.get('Location')} {body[:300]}")
        job = headers["Location"]
        wait_for("the worker's dry run", lambda: job_status(client, base_b, job) == "validated", 20)
        token = client.csrf(base_a, job)
        status, headers, body = client.request(base_a, job + "write/", data={"csrfmiddlewaretoken": token})
        if status != 302:
            raise Failure(f"write on A: {status} {body[:300]}")
        wait_for("the worker's write", lambda: job_status(client, base_a, job) == "done", 20)
        after = report_total(client, base_b)
        if after != before + 3 or report_total(client, base_a) != after:
            raise Failure(f"report on B: {before} products before the import, {after} after (expected {before + 3})")
        print(f"smoke: import through A counted on B ({before} → {after} products)")

        marker = "smoke-" + uuid.uuid4().hex[:12]
        client.request(base_a, f"/api/v1/reports/ocop?as_of={AS_OF}&area={AREA}", headers={"X-Request-ID": marker})

        def logged():
            log_a.seek(0)
            for line in log_a.read().decode("utf-8", "replace").splitlines():
                if marker in line:
                    entry = json.loads(line)
                    return entry if entry.get("status") == 200 and entry.get("username") == USERNAME else None
            return None

        entry = wait_for("the JSON access-log line", logged, 10)
        missing = {"time", "level", "request_id", "method", "path", "status", "duration_ms", "user_id"} - set(entry)
        if missing:
            raise Failure(f"access-log line without {sorted(missing)}: {entry}")
    except (Failure, subprocess.CalledProcessError) as error:
        for name, log in (("A (make serve)", log_a), ("B (gunicorn)", log_b)):
            log.seek(0)
            print(f"----- server {name} log (last 80 lines) -----", file=sys.stderr)
            print("\n".join(log.read().decode("utf-8", "replace").splitlines()[-80:]), file=sys.stderr)
        print(f"smoke: FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        failures = []
        for process, name in ((server_b, "server B"), (server_a, "make serve")):
            if process is not None:
                try:
                    stop(process, name)
                except Failure as error:
                    failures.append(str(error))
        for process, name in ((server_b, "server B"), (server_a, "make serve")):
            if process is not None and group_alive(process):
                os.killpg(process.pid, signal.SIGKILL)
                failures.append(f"{name} left processes behind after stopping")
        forget_cache(env)
        log_a.close()
        log_b.close()
        if failures:
            print("smoke: FAILED: " + "; ".join(failures), file=sys.stderr)
            return 1  # noqa: B012 - a clean stop is part of the test
    elapsed = time.monotonic() - started
    if elapsed > MAX_SECONDS:
        print(f"smoke: FAILED: took {elapsed:.0f} s, more than {MAX_SECONDS} s", file=sys.stderr)
        return 1
    print(f"smoke: OK in {elapsed:.0f} s (everything stopped cleanly)")
    return 0


def create_officer_code() -> str:
    return (
        "import os\n"
        "from accounts import services\n"
        "from accounts.roles import Role\n"
        "from areas.queries import get_unit\n"
        f"user = services.create_user(actor=None, username={USERNAME!r}, password=os.environ['SMOKE_PASSWORD'], "
        f"full_name='Smoke test')\n"
        f"services.grant_membership(actor=None, user=user, role=Role.PROVINCE_OFFICER, area=get_unit({AREA!r}))\n"
    )


def forget_cache(env: dict) -> None:
    """The smoke run's keys in Redis (its own prefix) are deleted."""
    import redis

    client = redis.Redis.from_url(env["REDIS_URL"])
    keys = list(client.scan_iter(match=env["CACHE_KEY_PREFIX"] + "*", count=1000))
    if keys:
        client.delete(*keys)


if __name__ == "__main__":
    sys.exit(main())
