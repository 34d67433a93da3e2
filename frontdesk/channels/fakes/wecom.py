"""A WeCom group-robot webhook on 127.0.0.1 that answers as WeCom documents.

It checks what WeCom checks (the path, a key, JSON with a known msgtype, non-empty content
within 4,096 bytes for markdown and 2,048 for text), keeps WeCom's own limit of 20 messages
a minute per robot, and records every request it gets. Keys can be made to misbehave:

    server.script("k1", ["ok", "45009", "timeout", "500", "garbage"])

answers the next five messages to "k1" in that order, then as usual. A step is "ok" (answer
as WeCom would), an errcode of five digits (WeCom's JSON with that code), an HTTP status of
three digits, "timeout" (answer nothing for `hang_seconds`), "garbage" (HTTP 200 with a body
that is not JSON), "noerrcode" (JSON without errcode) or "hangup" (close the connection
without a reply). Without a script, keys beginning "removed-" answer 93000, "disabled-"
93004 and "left-" 93008; every other key is a working robot.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PATH = "/cgi-bin/webhook/send"
MAX_BYTES = {"markdown": 4096, "text": 2048}
# The other message types a robot takes; they are accepted without looking inside.
OTHER_MSGTYPES = {"markdown_v2", "image", "news", "file", "voice", "template_card"}
STEPS = {"ok", "timeout", "garbage", "noerrcode", "hangup"}
PREFIX_MODES = {"removed-": "93000", "disabled-": "93004", "left-": "93008"}
ERRMSGS = {
    0: "ok",
    40008: "invalid message type",
    40035: "invalid Request Parameter",
    40058: "invalid Request Parameter",
    44004: "empty content",
    45009: "api freq out of limit",
    93000: "invalid webhook url",
    93004: "robot has been disabled",
    93008: "robot not in the chat",
}


@dataclass(frozen=True)
class Received:
    key: str
    # The JSON body as sent, or None when it was not JSON.
    payload: dict | None
    # time.monotonic() when it arrived: rate tests compare these.
    at: float
    # What the server did: "0" or another errcode, "http_500", "timeout" (answered 0 too
    # late to be heard, so not counted as delivered), "garbage", …
    answer: str

    @property
    def content(self) -> str:
        payload = self.payload or {}
        return (payload.get(payload.get("msgtype")) or {}).get("content", "")


class FakeWeCom:
    def __init__(self) -> None:
        self.window_seconds = 60.0
        self.rate_limit = 20
        # How long a "timeout" step keeps the client waiting before it answers.
        self.hang_seconds = 3.0
        # Makes error messages quote the request's URL, key and all, as a careless proxy
        # might: the adapter must not pass the key on.
        self.echo_key = False
        self.received: list[Received] = []
        self._scripts: dict[str, deque[str]] = defaultdict(deque)
        # Arrival times of the messages each key delivered, for WeCom's own limit.
        self._delivered_at: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        # A short poll makes stop() quick: shutdown() waits for the loop to look up.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        """The webhook send URL, to pass to `WeComRobot(base_url=…)`."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{PATH}"

    def script(self, key: str, steps: list[str]) -> None:
        """Answer the next messages to `key` with these steps, in order (see the module)."""
        for step in steps:
            if not (step.isdigit() and len(step) in (3, 5)) and step not in STEPS:
                raise ValueError(f"unknown step {step!r}")
        with self._lock:
            self._scripts[key].extend(steps)

    @property
    def delivered(self) -> list[Received]:
        """The messages WeCom would have shown in a group (answered errcode 0)."""
        with self._lock:
            return [message for message in self.received if message.answer == "0"]

    def for_key(self, key: str) -> list[Received]:
        with self._lock:
            return [message for message in self.received if message.key == key]

    def start(self) -> FakeWeCom:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes requests hanging in a "timeout" step
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    # --- what the handler asks -------------------------------------------------------

    def _next_step(self, key: str) -> str:
        with self._lock:
            if self._scripts[key]:
                return self._scripts[key].popleft()
        for prefix, mode in PREFIX_MODES.items():
            if key.startswith(prefix):
                return mode
        return "ok"

    def _record(self, key: str, payload: dict | None, at: float, answer: str) -> None:
        with self._lock:
            self.received.append(Received(key, payload, at, answer))

    def _deliver(self, key: str, at: float) -> bool:
        """Count one message against the key's window; False when WeCom would say 45009.
        Only delivered messages count: a refused one never reached the group."""
        with self._lock:
            times = self._delivered_at[key]
            while times and times[0] <= at - self.window_seconds:
                times.popleft()
            if len(times) >= self.rate_limit:
                return False
            times.append(at)
            return True


def validate(payload: object) -> int:
    """The errcode WeCom gives a message body, 0 when it would be sent."""
    if not isinstance(payload, dict):
        return 40035
    msgtype = payload.get("msgtype")
    if msgtype in OTHER_MSGTYPES:
        return 0
    if msgtype not in MAX_BYTES:
        return 40008
    body = payload.get(msgtype)
    if not isinstance(body, dict):
        return 40035
    content = body.get("content")
    if not isinstance(content, str) or not content:
        return 44004
    if len(content.encode()) > MAX_BYTES[msgtype]:
        return 40058
    for field in ("mentioned_list", "mentioned_mobile_list"):
        value = body.get(field, [])
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return 40058
    return 0


def errmsg_of(code: int, payload: object, key: str = "") -> str:
    msg = ERRMSGS.get(code, "invalid Request Parameter")
    if code and key:
        msg += f", url: {PATH}?key={key}"
    if code == 40058 and isinstance(payload, dict):
        msgtype = payload.get("msgtype")
        msg = f"{msgtype}.content exceed max length {MAX_BYTES.get(msgtype)}. {msg}"
    if code:
        # WeCom's own shape: a hint and where to read more.
        msg += f", hint: [1700000000000000000], more info at https://open.work.weixin.qq.com/devtool/query?e={code}"
    return msg


def _handler(server: FakeWeCom) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 (the base class's name)
            pass  # the tests' output is not the place for an access log

        def do_GET(self):
            self._reply(405, b"")

        def do_POST(self):
            at = time.monotonic()
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if url.path != PATH:
                self._reply(404, b"not found")
                return
            key = parse_qs(url.query).get("key", [""])[0]
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = None
            # Recorded before the reply, so a test that has its answer sees the record.
            step = server._next_step(key) if key else "93000"
            if step == "ok":
                code = validate(payload)
                if code == 0 and not server._deliver(key, at):
                    code = 45009
                step = str(code)
            answer = f"http_{step}" if step.isdigit() and len(step) == 3 else step
            server._record(key, payload, at, answer)
            self._play(step, payload, key if server.echo_key else "")

        def _play(self, step: str, payload: object, key: str) -> None:
            if step.isdigit() and len(step) == 3:
                # A redirect points back here with the key, as a proxy's would.
                location = self.path if step.startswith("3") else ""
                self._reply(int(step), b"<html><body>error</body></html>", "text/html", location)
            elif step.isdigit():
                self._answer(int(step), payload, key)
            elif step == "timeout":
                server._stopping.wait(server.hang_seconds)
                self._answer(0, payload)
            elif step == "garbage":
                self._reply(200, b"<html>502 Bad Gateway</html>", "text/html")
            elif step == "noerrcode":
                self._reply(200, b'{"errmsg": "ok"}', "application/json")
            else:  # "hangup"
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

        def _answer(self, code: int, payload: object, key: str = "") -> None:
            body = {"errcode": code, "errmsg": errmsg_of(code, payload, key)}
            self._reply(200, json.dumps(body).encode(), "application/json; charset=UTF-8")

        def _reply(
            self, status: int, body: bytes, content_type: str = "text/plain", location: str = ""
        ) -> None:
            try:
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up waiting (a "timeout" step): nothing to tell it

    return Handler


def closed_port_url() -> str:
    """A webhook URL on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{PATH}"
