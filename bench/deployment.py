"""
A production-like deployment on this machine, for the integration tests, the benchmark and the
load test: its own database (a fresh PostgreSQL database when DATABASE_URL names PostgreSQL,
else an SQLite file), optionally its own Redis, and gunicorn instances started with production
settings. Everything it starts listens on 127.0.0.1 only and is stopped by `stop()`.
"""

import http.cookiejar
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.forms import form_data

ROOT = Path(__file__).resolve().parent.parent
USERNAME, PASSWORD = "integration-editor", "a long and private test passphrase"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing answered at {url}")


def start_redis():
    """A Redis server of its own on a free port of 127.0.0.1, keeping nothing on disk: the
    process (for the caller to stop) and its URL."""
    port = free_port()
    process = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise TimeoutError("redis-server did not start")


class Deployment:
    def __init__(self, workdir, *, redis=True, sqlite=False, extra_env=None):
        self.workdir = Path(workdir)
        self.processes = []
        self.database_url, self.drop_database = self.make_database(force_sqlite=sqlite)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_"))},
            "DJANGO_SETTINGS_MODULE": "qiportal.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "DJANGO_STATIC_ROOT": str(self.workdir / "static"),
            "DJANGO_MEDIA_ROOT": str(self.workdir / "media"),
            "DJANGO_CACHE_DIR": str(self.workdir / "cache"),
            # Plain HTTP on 127.0.0.1: no proxy in front to end TLS.
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            # The editor here publishes their own saves (a one-person site): these scenarios
            # measure a save reaching readers, not review (tests/qiportal/test_review.py).
            "QIPORTAL_REQUIRE_REVIEW": "0",
            **(extra_env or {}),
        }
        if redis:
            self.env["REDIS_URL"] = self.start_redis()
        for command in (
            ["migrate", "--noinput"],
            ["collectstatic", "--noinput"],
            ["load_content"],
            [
                "shell",
                "-c",
                "from django.contrib.auth.models import Group, User; "
                f"u = User.objects.create_user({USERNAME!r}, password={PASSWORD!r}, "
                "is_staff=True); u.groups.add(Group.objects.get(name='Editors'))",
            ],
        ):
            self.manage(*command)

    def manage(self, *args):
        return self.python("manage.py", *args)

    def python(self, *args, env=None, stdin=None):
        """Run Python here with this deployment's settings (and `env`), `stdin` as its input;
        its output, or an error."""
        result = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            raise RuntimeError(f"{' '.join(args[:2])} failed:\n{result.stderr}")
        return result.stdout

    def make_database(self, force_sqlite=False):
        url = os.environ.get("DATABASE_URL", "")
        if force_sqlite or not url.startswith(("postgres://", "postgresql://")):
            return f"sqlite:///{self.workdir / 'db.sqlite3'}", lambda: None
        import psycopg

        parts = urllib.parse.urlsplit(url)
        name = f"qiportal_it_{secrets.token_hex(4)}"
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return parts._replace(path=f"/{name}").geturl(), drop

    def start_redis(self):
        process, url = start_redis()
        self.processes.append(process)
        return url

    def start_app_server(self, workers=2, log=None, **env):
        """A gunicorn instance with production settings (and `env`); returns its base URL.
        Each instance runs without gunicorn's control socket, which would be shared."""
        port = free_port()
        output = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "qiportal.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
             "--no-control-socket", "--log-level", "warning"],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=output,
            stderr=output,
        )  # fmt: skip
        self.processes.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/")
        return url

    def stop_app_server(self, url):
        """Stop the instance serving `url` (started by start_app_server)."""
        port = url.rsplit(":", 1)[1]
        for process in list(self.processes):
            if f"127.0.0.1:{port}" in process.args:
                process.terminate()
                process.wait(timeout=20)
                self.processes.remove(process)

    def stop(self):
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.drop_database()


class Browser:
    """Just enough of a browser: cookies, forms and the CSRF token, over real HTTP."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url, headers=None):
        """(status, headers, text); the text of a compressed answer is left undecoded."""
        request = urllib.request.Request(url, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                status, answer_headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, answer_headers, body = error.code, error.headers, error.read()
        compressed = answer_headers.get("Content-Encoding")
        return status, dict(answer_headers), "" if compressed else body.decode(errors="replace")

    def post_form(self, url, page, **changes):
        data = {**form_data(page), **changes}
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode()

    def log_in(self, base):
        _, _, page = self.get(f"{base}/admin/login/")
        return self.post_form(
            f"{base}/admin/login/?next=/admin/", page, username=USERNAME, password=PASSWORD
        )
