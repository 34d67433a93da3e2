"""``make load``: start the app as ``make run`` does, put a desk of clerks on it, report.

The server is ``make run`` itself (honcho: runserver, Celery worker and beat, DEBUG on), so
the figures are those of what a desk runs, not of a server set up for the test. It is
stopped, with every process it started, however the run ends. Exit 1 on any failed
request (or when the server never became healthy), 0 otherwise.
"""

import argparse
import json
import os
import signal
import socket
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
    # make run migrates and compiles messages first: seconds, more on a first run.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
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
    url = f"http://127.0.0.1:{port}"
    VAR.mkdir(exist_ok=True)
    SUMMARY.unlink(missing_ok=True)  # never report an earlier run's figures as this one's
    print(f"Starting the app as `make run` does on {url} (log: {SERVER_LOG.relative_to(ROOT)})")
    with SERVER_LOG.open("w") as log:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own group, to be signalled without signalling us
            # As from a shell: a PORT=… given to `make load` must not reach `make run`.
            env={k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS")},
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
