"""``make load``: start the app as production runs it, put a desk of clerks on it, report.

The server is ``make serve`` itself (honcho: gunicorn, the Celery worker and beat, DEBUG
off), speaking HTTPS with a certificate made for the run, as a desk's proxy would; with
``--server run`` it is ``make run`` (the development server). Either way the figures are
those of what a desk runs, not of a server set up for the test. It is stopped, with every
process it started, however the run ends. Exit 1 on any failed request (or when the server
never became healthy), 0 otherwise.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
SERVER_LOG = VAR / "load-server.log"
LOCUST_LOG = VAR / "load-locust.log"
SUMMARY = VAR / "load-summary.json"  # written by the locustfile when Locust quits


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_healthy(url: str, server: subprocess.Popen, timeout: float) -> bool:
    # The server migrates and compiles messages first: seconds, more on a first run.
    deadline = time.monotonic() + timeout
    unverified = ssl._create_unverified_context()  # the run's own certificate
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(
                f"{url}/healthz", timeout=5, context=unverified
            ) as response:
                if response.status == 200:
                    return True
        except OSError:  # refused while starting; 503 (HTTPError) while a part is down
            pass
        time.sleep(1)
    return False


def process_table() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, start time) of every process, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            table[int(entry.name)] = (int(fields[1]), fields[19])
    return table


def descendants(root: int) -> dict[int, str]:
    """The processes under ``root`` (pid → start time, so that a reused pid is left alone).

    honcho starts web, worker and beat each in a session of its own, so the process group
    of ``make run`` does not reach them: they are found by ancestry instead."""
    table = process_table()
    found, todo = {}, [root]
    while todo:
        parent = todo.pop()
        for pid, (ppid, started) in table.items():
            if ppid == parent and pid not in found:
                found[pid] = started
                todo.append(pid)
    return found


def stop(server: subprocess.Popen) -> None:
    """SIGTERM to make's group (honcho then stops its three as on Ctrl-C); SIGKILL after 20 s
    to whatever is left of the processes it started."""
    if server.poll() is not None:
        return
    started = descendants(server.pid)
    os.killpg(server.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(process_table().get(p) for p in started):
        time.sleep(0.5)
    table = process_table()
    for pid, start in started.items():
        if pid in table and table[pid][1] == start:
            os.kill(pid, signal.SIGKILL)
    try:
        server.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def self_signed_certificate() -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that lives as long as the run needs (a day)."""
    cert, key = VAR / "load-cert.pem", VAR / "load-key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    key.chmod(0o600)
    return cert, key


def server_command(kind: str, port: int) -> tuple[list[str], dict[str, str], str]:
    """The make target that starts the server, its environment, and its URL."""
    # As from a shell: a PORT=… given to `make load` must not reach the server's make.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")}
    if kind == "run":
        return (
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            env,
            f"http://127.0.0.1:{port}",
        )
    cert, key = self_signed_certificate()
    env.update(
        # Production refuses to start without a real key: one for this run alone.
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        TLS_CERT=str(cert),
        TLS_KEY=str(key),
    )
    env.pop("DEBUG", None)
    return (
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        env,
        f"https://127.0.0.1:{port}",
    )


def summary() -> int:
    """Print the per-page table; return the number of failed requests."""
    figures = json.loads(SUMMARY.read_text(encoding="utf-8"))
    print(f"\n{'page':<26}{'requests':>9}{'failures':>9}{'rps':>7}{'p50 ms':>8}{'p95 ms':>8}")
    for row in figures["rows"]:
        print(
            f"{row['name']:<26}{row['requests']:>9}{row['failures']:>9}{row['rps']:>7.1f}"
            f"{row['p50_ms']:>8}{row['p95_ms']:>8}"
        )
    if figures["errors"]:
        print(f"\nFailures (the server's side: {SERVER_LOG.relative_to(ROOT)}):")
        for error in figures["errors"]:
            print(f"  {error['occurrences']:>5} × {error['name']}: {error['error']}")
    return figures["rows"][-1]["failures"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", choices=["serve", "run"], default="serve")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--fallback-port", type=int, default=8010)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--time", default="60s")
    args = parser.parse_args()

    # A developer's own `make run` may hold 8000: then the load runs beside it.
    port = next((p for p in (args.port, args.fallback_port) if port_free(p)), None)
    if port is None:
        print(f"Ports {args.port} and {args.fallback_port} are both busy: set LOAD_PORT.")
        return 2
    VAR.mkdir(exist_ok=True)
    SUMMARY.unlink(missing_ok=True)  # never report an earlier run's figures as this one's
    command, env, url = server_command(args.server, port)
    log_name = SERVER_LOG.relative_to(ROOT)
    print(f"Starting the app with `make {args.server}` on {url} (log: {log_name})")
    with SERVER_LOG.open("w") as log:
        server = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own group, to be signalled without signalling us
            env=env,
        )
    try:
        if not wait_healthy(url, server, timeout=180):
            print(f"The server did not answer /healthz with 200; last lines of {SERVER_LOG}:")
            print("".join(SERVER_LOG.read_text(errors="replace").splitlines(True)[-30:]))
            return 1
        print(f"Healthy. {args.users} clerks for {args.time} (Locust log: {LOCUST_LOG.name})")
        with LOCUST_LOG.open("w") as log:
            locust = subprocess.run(
                [
                    str(Path(sys.executable).parent / "locust"),
                    *("-f", "loadtest/locustfile.py", "--headless", "--only-summary"),
                    *("-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.time),
                    *("--host", url, "--csv", str(VAR / "load")),
                ],
                cwd=ROOT,
                env={**os.environ, "LOAD_SUMMARY": str(SUMMARY)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    finally:
        stop(server)
    if not SUMMARY.exists():
        print(f"Locust wrote no statistics (exit {locust.returncode}); see {LOCUST_LOG}")
        return 1
    failed = summary()
    # Locust exits 1 on a failed request, and also on an error inside the locustfile.
    if failed or locust.returncode:
        print(f"\nFAILED: {failed} failed requests, Locust exit {locust.returncode}")
        return 1
    print("\nNo failed request.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
