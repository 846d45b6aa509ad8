"""Run the sandbox on a real socket, in a background thread: for tests, and for development scripts.

    with SandboxServer({"SANDBOX_CLIENTS": [...]}) as sandbox:
        requests.get(f"{sandbox.issuer}/.well-known/openid-configuration")
        sandbox.app.config["SANDBOX_FAULTS"] = {"id_token": "expired"}

With port 0 the system picks a free port; the issuer is then derived from it, unless the config sets one.
"""

import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from portal.sandbox import create_sandbox_app

ISSUER_PATH = "/api/v2"


class SandboxServer:
    """A sandbox app served by werkzeug's threaded server. The socket is bound at construction, served from
    `start()` (or entering the `with` block) until `stop()`."""

    def __init__(self, config: Mapping[str, Any] | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        # The issuer depends on the port the system assigns, so the socket comes first and the app second.
        self._server: BaseWSGIServer = make_server(host, port, _not_ready, threaded=True)
        self.url = f"http://{host}:{self._server.server_port}"
        settings = {"SANDBOX_ISSUER": f"{self.url}{ISSUER_PATH}", **(config or {})}
        try:
            self.app: Flask = create_sandbox_app(settings)
        except Exception:
            self._server.server_close()
            raise
        self.issuer: str = self.app.config["SANDBOX_ISSUER"].rstrip("/")
        self._server.app = self.app
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="fc-sandbox", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def _not_ready(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"sandbox starting"]
