"""
`make loadtest`: 50 readers for 30 seconds while an editor saves a topic every second.

A production-like deployment (SQLite in WAL mode, the shared file cache, gunicorn with 4 workers,
production settings) on 127.0.0.1. Readers: wrk with 50 connections going round the public
pages (or the bundled client when wrk is missing). The editor logs in to the admin and saves the
same topic once a second through its form, each time with a new line. At the end it checks:
no error response to any reader, every save answered as saved, the topic holding the last save,
one version in its history per save, and no "database is locked" in the servers' log.

Bounded in time and in place: everything listens on 127.0.0.1 and stops by itself.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.deployment import Browser, Deployment  # noqa: E402
from bench.run import bundled_client  # noqa: E402
from tests.forms import form_data  # noqa: E402

READER_PATHS = [
    "/",
    "/faq/",
    "/cases/",
    "/cases/pearson-v-callahan/",
    "/topics/what-is-qualified-immunity/",
    "/topics/qualified-immunity-in-the-courts/",
    "/glossary/",
    "/search/?q=officer",
]
TOPIC = "qualified-immunity-in-the-courts"

WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def readers(base, seconds, connections, workdir):
    if not shutil.which("wrk"):
        results = [
            bundled_client(base + path, seconds, max(1, connections // len(READER_PATHS)))
            for path in READER_PATHS
        ]
        return {
            "client": "the bundled Python client (wrk is not installed)",
            "requests": sum(int(r["rps"] * seconds) for r in results),
            "errors": sum(r["errors"] for r in results),
            "p99_ms": max(r["p99_ms"] for r in results),
        }
    script = Path(workdir) / "paths.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{path}"' for path in READER_PATHS))
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
         "-s", str(script), base],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout  # fmt: skip
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)", output, re.M)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99[2]]
    return {
        "client": "wrk",
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "errors": (int(non_2xx[1]) if non_2xx else 0)
        + (sum(int(n) for n in socket.groups()) if socket else 0),
        "p99_ms": float(p99[1]) * scale,
    }


def editor(base, pk, seconds, outcome):
    """Save the topic once a second through the admin form, each save with a new line."""
    browser = Browser()
    browser.log_in(base)
    url = f"{base}/admin/explainer/topic/{pk}/change/"
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        started = time.monotonic()
        number = len(outcome["saved"]) + len(outcome["failed"]) + 1
        marker = f"Load-test save number {number}."
        try:
            form_page = browser.get(url)[2]
            body = form_data(form_page)["body"].split("\n\nLoad-test save")[0]
            status, landed, _ = browser.post_form(url, form_page, body=f"{body}\n\n{marker}")
            if status == 200 and landed.endswith("/admin/explainer/topic/"):
                outcome["saved"].append(marker)
            else:
                outcome["failed"].append(f"{marker} answered {status} at {landed}")
        except Exception as error:
            outcome["failed"].append(f"{marker} raised {error!r}")
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--readers", type=int, default=50)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="qiportal-load-") as workdir:
        deployment = Deployment(workdir, redis=False, sqlite=True)
        log = Path(workdir) / "servers.log"
        try:
            base = deployment.start_app_server(workers=4, log=log)
            pk = deployment.manage(
                "shell",
                "-c",
                f"from explainer.models import Topic; print(Topic.objects.get(slug={TOPIC!r}).pk)",
            ).split()[-1]
            outcome = {"saved": [], "failed": []}
            writer = threading.Thread(target=editor, args=(base, pk, options.seconds, outcome))
            writer.start()
            reading = readers(base, options.seconds, options.readers, workdir)
            writer.join()
            final = deployment.manage(
                "shell",
                "-c",
                "from reversion.models import Version; from explainer.models import Topic; "
                f"t = Topic.objects.get(slug={TOPIC!r}); "
                "print(Version.objects.get_for_object(t).count()); print(t.body.splitlines()[-1])",
            ).splitlines()
        finally:
            deployment.stop()
        versions, last_line = int(final[-2]), final[-1]
        server_log = log.read_text(errors="replace")

    locked = server_log.count("database is locked")
    tracebacks = server_log.count("Traceback")
    saved = outcome["saved"]
    checks = [
        (reading["errors"] == 0, f"{reading['errors']} error responses to readers"),
        (not outcome["failed"], f"{len(outcome['failed'])} saves not answered as saved"),
        (bool(saved) and last_line == saved[-1], f"the topic ends with the last save: {last_line}"),
        (versions == len(saved) + 1, f"{versions} versions for {len(saved)} saves and the first"),
        (locked == 0, f"{locked} 'database is locked' in the servers' log"),
        (tracebacks == 0, f"{tracebacks} tracebacks in the servers' log"),
    ]
    print(
        f"{options.readers} readers for {options.seconds} s ({reading['client']}): "
        f"{reading['requests']} requests, p99 {reading['p99_ms']:.0f} ms; "
        f"the editor saved {len(saved)} times."
    )
    for failure in outcome["failed"][:10]:
        print("  " + failure)
    for ok, text in checks:
        print(("PASS  " if ok else "FAIL  ") + text)
    if tracebacks:
        first = server_log[server_log.index("Traceback") :]
        print("\nThe first error in the servers' log:\n" + first[:3000])
    return 0 if all(ok for ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
