"""A scripted HTTP server standing in for the platform where a test needs exact, odd answers.

The live sandbox (tests/sandbox_server.py) is what integration tests talk to; this server is for
unit tests of the transport, paging and OAuth code that need answers the sandbox does not give
on demand (a body trickling in, a 200 with an error code, a page sequence chosen byte by byte).
It is a real HTTP server on a loopback port, so the real `requests` stack is exercised.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Answer:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    # Called with the handler before answering (to sleep, trickle bytes, or drop the socket);
    # returning True means it answered by itself.
    before: Callable[[BaseHTTPRequestHandler], bool] | None = None


Script = Callable[[Request], Answer]


class ScriptedServer:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.script: Script = lambda request: Answer(404, {"message": "no script"})
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without this, delayed ACKs add 40 ms.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method="POST",
                    path=self.path,
                    headers={k: v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
                with server._lock:
                    server.requests.append(request)
                answer = server.script(request)
                if answer.before is not None and answer.before(self):
                    return
                body = answer.body
                if isinstance(body, dict | list):
                    body = json.dumps(body, ensure_ascii=False)
                if isinstance(body, str):
                    body = body.encode("utf-8")
                self.send_response(answer.status)
                headers = {"Content-Type": "application/json; charset=utf-8", **answer.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
