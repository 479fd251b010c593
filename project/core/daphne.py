"""daphne with a graceful shutdown: `python -m project.core.daphne` takes daphne's arguments.

On SIGTERM (or SIGINT) plain daphne cancels every consumer and drops the sockets, so clients
see 1006 at best, and it can hang with requests queued (STACK.md). This server first stops
listening, so the proxy sends new connections to the other socket processes, closes every
open WebSocket with 1012 ("service restart", which the htmx ws extension and the site's
clients reconnect on), and waits up to DAPHNE_DRAIN_SECONDS (default 5) for the sockets and
any HTTP requests in flight to finish before daphne's own shutdown runs. The supervisor
(docker's stop_grace_period, tests/processes.py) still SIGKILLs it after its own timeout.
"""

from __future__ import annotations

import logging
import os
import time

from daphne.cli import CommandLineInterface
from daphne.server import Server
from daphne.ws_protocol import WebSocketProtocol
from twisted.internet import defer, reactor, task

logger = logging.getLogger("tessera.daphne")

CLOSE_SERVICE_RESTART = 1012


class GracefulServer(Server):
    drain_seconds = float(os.environ.get("DAPHNE_DRAIN_SECONDS", "5"))

    def kill_all_applications(self):
        drained = defer.ensureDeferred(self._drain())
        drained.addErrback(lambda failure: logger.warning("drain failed: %s", failure.value))
        drained.addBoth(lambda _: super(GracefulServer, self).kill_all_applications())
        return drained

    async def _drain(self) -> None:
        for listener in self.listeners:
            port = getattr(listener, "result", None)
            if hasattr(port, "stopListening"):
                await port.stopListening()
        sockets = [
            protocol
            for protocol in list(self.connections)
            if isinstance(protocol, WebSocketProtocol) and protocol.state == protocol.STATE_OPEN
        ]
        for protocol in sockets:
            # autobahn's sendClose() allows only 1000 and 3000-4999 from a server; 1012 is a
            # registered code (RFC 6455 §7.4 registry) that clients reconnect on.
            protocol.sendCloseFrame(code=CLOSE_SERVICE_RESTART, isReply=False)
        logger.info("draining: closed %d sockets with %d", len(sockets), CLOSE_SERVICE_RESTART)
        deadline = time.monotonic() + self.drain_seconds
        while time.monotonic() < deadline and any(
            not details.get("disconnected") for details in self.connections.values()
        ):
            await task.deferLater(reactor, 0.05, lambda: None)
        left = sum(1 for details in self.connections.values() if not details.get("disconnected"))
        logger.info("drained; %d connections still open", left)


class GracefulCommandLineInterface(CommandLineInterface):
    server_class = GracefulServer


if __name__ == "__main__":
    GracefulCommandLineInterface.entrypoint()
