"""Debian's nginx on loopback in front of several gunicorn and daphne processes, routed by
the repository's own configuration (deploy/nginx/tessera.conf).

The Docker configuration finds its replicas through Docker's DNS (`server web:8000
resolve`, nginx ≥ 1.27.3) and terminates TLS with `http2 on` (≥ 1.25.1); Debian 12 ships
nginx 1.22. So the routing part is taken from tessera.conf verbatim: the `map` for the
Upgrade header and the `/metrics`, `/ws/` and `/` locations. Only the upstreams (loopback
ports, round robin) and a plain-HTTP `listen` are written here, with an access log that
names the process each request went to ($upstream_addr).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests import processes

SITE_CONFIG = processes.BASE_DIR / "deploy" / "nginx" / "tessera.conf"
ROUTED = ("= /metrics", "/ws/", "/")


def _block(text: str, start: int) -> str:
    """The text from `start` to the brace closing the first block opened after it."""
    depth = 0
    for index in range(text.index("{", start), len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return text[start : index + 1]
    raise ValueError("unbalanced braces in the nginx configuration")


def upgrade_map(text: str | None = None) -> str:
    """tessera.conf's `map $http_upgrade ...` (http level)."""
    text = SITE_CONFIG.read_text() if text is None else text
    return "\n".join(
        _block(text, m.start()) for m in re.finditer(r"^map \$http_upgrade", text, re.M)
    )


def routes(text: str | None = None) -> str:
    """The routed locations of the TLS server in tessera.conf."""
    text = SITE_CONFIG.read_text() if text is None else text
    parts = []
    server = text[text.index("listen 443") :]
    for location in ROUTED:
        found = re.search(rf"^\s*location {re.escape(location)} \{{", server, re.M)
        if found is None:
            raise ValueError(f"tessera.conf has no `location {location}`")
        parts.append(_block(server, found.start()).strip())
    return "\n\n".join(parts)


def config(*, port: int, web: list[int], ws: list[int], prefix: Path) -> str:
    def servers(ports):
        # A refused connection marks the process down for a second, then it is tried again.
        return "\n".join(
            f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=1s;" for p in ports
        )

    return f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format routed '$request_method $uri $status $upstream_addr';
    access_log {prefix}/access.log routed;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream tessera_web {{
{servers(web)}
        keepalive 32;
    }}
    upstream tessera_ws {{
{servers(ws)}
    }}
{upgrade_map()}
    server {{
        listen 127.0.0.1:{port};
        server_name _;
{routes()}
    }}
}}
"""


def missing() -> str | None:
    return None if shutil.which("nginx") else "nginx (apt-get install nginx-light)"


def nginx(*, port: int, web: list[int], ws: list[int], log_dir: Path) -> processes.Service:
    prefix = log_dir / f"nginx-{port}"
    prefix.mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(config(port=port, web=web, ws=ws, prefix=prefix))
    binary = shutil.which("nginx") or "nginx"
    return processes.start(
        f"nginx-{port}",
        [binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        env={"PATH": "/usr/sbin:/usr/bin:/bin"},
        log_dir=log_dir,
        port=port,
    )


def upstreams_used(log_dir: Path, port: int, uri_prefix: str) -> list[str]:
    """The process ($upstream_addr) of each logged request under `uri_prefix`."""
    log = log_dir / f"nginx-{port}" / "access.log"
    used = []
    for line in log.read_text().splitlines() if log.exists() else []:
        method, uri, _status, upstream = (line.split(" ", 3) + ["", "", ""])[:4]
        if uri.startswith(uri_prefix):
            used.append(upstream)
    return used
