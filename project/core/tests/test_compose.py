"""The deployment files agree with the code: docker-compose.yml, deploy/ and .env.example.

No container engine is needed: the files are parsed and checked against what the settings
actually read (found by scanning project/settings/*.py for env(...) calls), the entry points
that exist, and each other. Each checker returns a list of problems; the tests at the bottom
feed them broken copies to show that they do catch what they are meant to catch.
"""

import copy
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
README = ROOT / "README.md"
SETTINGS_DIR = ROOT / "project" / "settings"

REQUIRED_SERVICES = {"postgres", "redis", "cache", "web", "ws", "worker", "beat", "nginx"}
# Services running the Django code (they get the settings' environment).
APP_SERVICES = ("web", "ws", "worker", "beat")
# Read by Django itself, not by the settings modules.
PROCESS_VARIABLES = {"DJANGO_SETTINGS_MODULE"}
# Used by docker-compose.yml (interpolation, other containers), not by the settings.
COMPOSE_ONLY_VARIABLES = {
    "POSTGRES_PASSWORD",  # the postgres service and DATABASE_URL
    "WEB_CONCURRENCY",  # gunicorn --workers
    "HTTP_PORT",  # nginx published port
    "HTTPS_PORT",  # nginx published port
    "TLS_CERT_DIR",  # nginx certificate directory
    "CACHE_MAXMEMORY",  # the cache service's --maxmemory
}
# Payments (shop): the VNPAY provider's keys (SPEC "Contracts").
SHOP_PAYMENT_VARIABLES = {"VNPAY_TMN_CODE", "VNPAY_HASH_SECRET", "VNPAY_PAYMENT_URL"}

ENV_CALL = re.compile(r"""\benv(?:_bool|_int|_list)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
INTERPOLATION = re.compile(r"\$\{([A-Z][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")
ENV_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")
ENV_COMMENTED_LINE = re.compile(r"^#\s*([A-Z][A-Z0-9_]*)=")


# --- readers -------------------------------------------------------------------------------


def settings_variables() -> set[str]:
    names = set()
    for path in sorted(SETTINGS_DIR.glob("*.py")):
        names.update(ENV_CALL.findall(path.read_text()))
    return names


def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def env_example() -> tuple[dict[str, str], set[str]]:
    """(active assignments, names shown commented out) of .env.example."""
    active, commented = {}, set()
    for raw in ENV_EXAMPLE.read_text().splitlines():
        line = raw.strip()
        if match := ENV_LINE.match(line):
            active[match.group(1)] = match.group(2).strip().strip("\"'")
        elif match := ENV_COMMENTED_LINE.match(line):
            commented.add(match.group(1))
    return active, commented


def command_tokens(service: dict) -> list[str]:
    command = service.get("command") or []
    return shlex.split(command) if isinstance(command, str) else [str(t) for t in command]


def option(tokens: list[str], *names: str) -> str | None:
    """Value of a command-line option given as `-x value`, `--name value` or `--name=value`."""
    for index, token in enumerate(tokens):
        for name in names:
            if token == name and index + 1 < len(tokens):
                return tokens[index + 1]
            if name.startswith("--") and token.startswith(name + "="):
                return token.split("=", 1)[1]
    return None


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def env_files(service: dict) -> list[str]:
    files = service.get("env_file") or []
    if isinstance(files, str | dict):
        files = [files]
    return [item["path"] if isinstance(item, dict) else item for item in files]


def substitute(value: str, replacement: str = "x") -> str:
    """Compose interpolation with every variable replaced by `replacement` (or its default)."""
    return INTERPOLATION.sub(
        lambda m: m.group(3) if m.group(2) in (":-", "-") and m.group(3) else replacement, value
    )


def volume_mounts(service: dict) -> list[tuple[str, str]]:
    """(source, target) pairs of a service's volumes, short syntax or long."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            mounts.append((str(volume.get("source", "")), str(volume["target"])))
        else:
            source, target, *_ = substitute(str(volume)).split(":") + [""]
            mounts.append((source, target))
    return mounts


# --- nginx configuration parser --------------------------------------------------------------

NGINX_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{};]|[^\s{};]+')


def parse_nginx(text: str) -> list:
    """A list of (directive, args, children-or-None) from an nginx configuration."""
    text = re.sub(r"(^|\s)#[^\n]*", r"\1", text)
    tokens = [t[1:-1] if t[:1] in "\"'" else t for t in NGINX_TOKEN.findall(text)]
    position = 0

    def block() -> list:
        nonlocal position
        items, words = [], []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                items.append((words[0], words[1:], None))
                words = []
            elif token == "{":
                children = block()
                items.append((words[0], words[1:], children))
                words = []
            elif token == "}":
                return items
            else:
                words.append(token)
        return items

    return block()


def walk(items: list):
    for directive, args, children in items:
        yield directive, args, children
        if children:
            yield from walk(children)


def nginx_config_path(compose: dict) -> Path | None:
    for source, target in volume_mounts(compose["services"]["nginx"]):
        if target.startswith("/etc/nginx/") and target.endswith(".conf"):
            return ROOT / source
    return None


# --- checkers ----------------------------------------------------------------------------


def check_services(compose: dict) -> list[str]:
    missing = REQUIRED_SERVICES - set(compose.get("services", {}))
    return [f"missing service {name}" for name in sorted(missing)]


def check_commands(compose: dict) -> list[str]:
    services = compose["services"]
    problems = []
    web = command_tokens(services["web"])
    if web[:1] != ["gunicorn"] or "project.wsgi:application" not in web:
        problems.append(f"web must run gunicorn project.wsgi:application, not {web}")
    ws = command_tokens(services["ws"])
    graceful = ws[:3] == ["python", "-m", "project.core.daphne"]
    if (ws[:1] != ["daphne"] and not graceful) or "project.asgi:application" not in ws:
        problems.append(f"ws must run daphne project.asgi:application, not {ws}")
    for name, role in (("worker", "worker"), ("beat", "beat")):
        tokens = command_tokens(services[name])
        if tokens[:4] != ["celery", "-A", "project", role]:
            problems.append(f"{name} must run `celery -A project {role}`, not {tokens}")
    return problems


def check_beat_schedule(compose: dict) -> list[str]:
    beat = compose["services"]["beat"]
    schedule = option(command_tokens(beat), "-s", "--schedule")
    if schedule is None:
        return ["beat needs --schedule in a writable place (the image's /app is read-only)"]
    writable = ["/tmp/"] + [target.rstrip("/") + "/" for _, target in volume_mounts(beat)]
    if not any(schedule.startswith(prefix) for prefix in writable):
        return [f"beat schedule {schedule} is neither in /tmp nor in a volume"]
    return []


def check_app_environment(compose: dict) -> list[str]:
    known = settings_variables()
    active, commented = env_example()
    problems = []
    for name in APP_SERVICES:
        service = compose["services"][name]
        env = environment(service)
        if env.get("DJANGO_SETTINGS_MODULE") != "project.settings.production":
            problems.append(f"{name}: DJANGO_SETTINGS_MODULE must be project.settings.production")
        for variable in sorted(set(env) - known - PROCESS_VARIABLES):
            problems.append(f"{name}: environment sets {variable}, which no setting reads")
        for path in env_files(service):
            if Path(path).name != ".env":
                problems.append(f"{name}: env_file {path} is not documented by .env.example")
                continue
            allowed = known | COMPOSE_ONLY_VARIABLES | SHOP_PAYMENT_VARIABLES
            for variable in sorted((set(active) | commented) - allowed):
                problems.append(f"{name}: .env.example sets {variable}, which nothing reads")
    return problems


def check_service_urls(compose: dict) -> list[str]:
    services = compose["services"]
    postgres_env = environment(services["postgres"])
    problems = []
    for name in APP_SERVICES:
        env = environment(services[name])
        database = urlsplit(substitute(env.get("DATABASE_URL", "")))
        if database.scheme not in {"postgres", "postgresql"} or database.hostname != "postgres":
            problems.append(f"{name}: DATABASE_URL must point at the postgres service")
        if database.path.lstrip("/") != postgres_env.get("POSTGRES_DB"):
            problems.append(f"{name}: DATABASE_URL names another database than POSTGRES_DB")
        if database.username != postgres_env.get("POSTGRES_USER"):
            problems.append(f"{name}: DATABASE_URL names another user than POSTGRES_USER")
        password_vars = set(INTERPOLATION.findall(env.get("DATABASE_URL", "")))
        postgres_vars = set(INTERPOLATION.findall(postgres_env.get("POSTGRES_PASSWORD", "")))
        if {v[0] for v in password_vars} != {v[0] for v in postgres_vars}:
            problems.append(f"{name}: DATABASE_URL and postgres take the password from elsewhere")
        redis = urlsplit(substitute(env.get("REDIS_URL", "")))
        if redis.scheme not in {"redis", "rediss"} or redis.hostname != "redis":
            problems.append(f"{name}: REDIS_URL must point at the redis service")
    return problems


def check_cache_service(compose: dict) -> list[str]:
    """The cache has its own memory-capped Redis that evicts (allkeys-lru), apart from the
    broker and channel layer, and every app process uses it."""
    services = compose["services"]
    cache = services.get("cache") or {}
    tokens = command_tokens(cache)
    problems = []
    if tokens[:1] != ["redis-server"]:
        problems.append(f"cache must run redis-server, not {tokens}")
    if not substitute(option(tokens, "--maxmemory") or "").strip():
        problems.append("cache needs --maxmemory, or a flood of entries grows it without end")
    if option(tokens, "--maxmemory-policy") != "allkeys-lru":
        problems.append("cache needs --maxmemory-policy allkeys-lru (evict, never refuse)")
    for name in APP_SERVICES:
        env = environment(services[name])
        cache_url = urlsplit(substitute(env.get("CACHE_REDIS_URL", "")))
        if cache_url.hostname != "cache":
            problems.append(f"{name}: CACHE_REDIS_URL must point at the cache service")
        if urlsplit(substitute(env.get("REDIS_URL", ""))).hostname == cache_url.hostname:
            problems.append(f"{name}: the broker and channel layer must not share the cache Redis")
        depends = services[name].get("depends_on") or {}
        if not isinstance(depends, dict) or depends.get("cache", {}).get("condition") != (
            "service_healthy"
        ):
            problems.append(f"{name} must wait for cache to be healthy")
    return problems


def check_ws_pool(compose: dict) -> list[str]:
    env = environment(compose["services"]["ws"])
    if env.get("DATABASE_POOL", "").lower() not in {"1", "true", "yes", "on"}:
        return ["ws (ASGI) must use psycopg's pool: DATABASE_POOL=true"]
    return []


def check_dependencies(compose: dict) -> list[str]:
    problems = []
    for name in APP_SERVICES:
        depends = compose["services"][name].get("depends_on") or {}
        if not isinstance(depends, dict):  # the list form cannot wait for health
            depends = {}
        for needed in ("postgres", "redis"):
            if depends.get(needed, {}).get("condition") != "service_healthy":
                problems.append(f"{name} must wait for {needed} to be healthy")
    return problems


def check_healthchecks(compose: dict) -> list[str]:
    services = compose["services"]
    expected = {"postgres": "pg_isready", "redis": "redis-cli", "web": "/healthz"}
    problems = []
    for name, needle in expected.items():
        test = (services[name].get("healthcheck") or {}).get("test") or []
        text = test if isinstance(test, str) else " ".join(map(str, test))
        if needle not in text:
            problems.append(f"{name} health check must use {needle}")
    return problems


def check_release_step(compose: dict) -> list[str]:
    """migrate and collectstatic run before the application processes start."""
    services = compose["services"]
    runners = {
        name: service
        for name, service in services.items()
        if name not in REQUIRED_SERVICES and "build" in service or name in APP_SERVICES
    }
    texts = {}
    for name, service in runners.items():
        tokens = command_tokens(service)
        text = " ".join(tokens)
        for token in tokens:
            if token.startswith("/app/"):
                script = ROOT / token.removeprefix("/app/")
                if script.is_file():
                    text += "\n" + script.read_text()
        texts[name] = text
    release = [n for n, t in texts.items() if "manage.py migrate" in t]
    if not release:
        return ["no service runs `manage.py migrate`"]
    problems = []
    for name in release:
        if "collectstatic" not in texts[name]:
            problems.append(f"{name} runs migrate but not collectstatic")
        if name in APP_SERVICES:
            continue
        for app in APP_SERVICES:
            condition = (services[app].get("depends_on") or {}).get(name, {}).get("condition")
            if condition != "service_completed_successfully":
                problems.append(f"{app} must wait for {name} to complete")
    return problems


def check_builds(compose: dict) -> list[str]:
    problems = []
    for name, service in compose["services"].items():
        build = service.get("build")
        if build is None:
            continue
        if isinstance(build, str):
            build = {"context": build}
        context = ROOT / build.get("context", ".")
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        if not dockerfile.is_file():
            problems.append(f"{name}: {dockerfile.relative_to(ROOT)} does not exist")
    return problems


def check_nginx(compose: dict, config_text: str | None = None) -> list[str]:
    services = compose["services"]
    if config_text is None:
        path = nginx_config_path(compose)
        if path is None or not path.is_file():
            return [f"nginx must mount its configuration from the repository (found {path})"]
        config_text = path.read_text()
    items = parse_nginx(config_text)
    upstreams = {
        args[0]: [child_args[0] for d, child_args, _ in children if d == "server"]
        for directive, args, children in walk(items)
        if directive == "upstream"
    }
    locations = {
        " ".join(args): children or []
        for directive, args, children in walk(items)
        if directive == "location"
    }

    def targets(location: str) -> set[str]:
        passes = [args[0] for d, args, _ in locations.get(location, []) if d == "proxy_pass"]
        found = set()
        for url in passes:
            host = re.sub(r"^https?://", "", url).split("/")[0]
            found.update(upstreams.get(host, [host]))
        return found

    def headers(location: str) -> dict[str, str]:
        return {
            args[0].lower(): " ".join(args[1:])
            for d, args, _ in locations.get(location, [])
            if d == "proxy_set_header"
        }

    web_port = (option(command_tokens(services["web"]), "-b", "--bind") or "").rsplit(":", 1)[-1]
    ws_port = option(command_tokens(services["ws"]), "-p", "--port")
    problems = []
    if targets("/ws/") != {f"ws:{ws_port}"}:
        problems.append(f"/ws/ must go to ws:{ws_port} (daphne), not {targets('/ws/')}")
    ws_headers = headers("/ws/")
    if ws_headers.get("upgrade") != "$http_upgrade":
        problems.append("/ws/ must pass the Upgrade header")
    connection = ws_headers.get("connection", "")
    mapped = any(
        d == "map" and args[:2] == ["$http_upgrade", connection] for d, args, _ in walk(items)
    )
    if connection.lower() != "upgrade" and not mapped:
        problems.append("/ws/ must set Connection: upgrade")
    ws_directives = locations.get("/ws/", [])
    if not any(d == "proxy_http_version" and a == ["1.1"] for d, a, _ in ws_directives):
        problems.append("/ws/ needs proxy_http_version 1.1")
    if targets("/") != {f"web:{web_port}"}:
        problems.append(f"/ must go to web:{web_port} (gunicorn), not {targets('/')}")
    for location in ("/", "/ws/"):
        for header in ("host", "x-forwarded-proto", "x-forwarded-for"):
            if header not in headers(location):
                problems.append(f"{location} must set {header}")

    # /static/ and /media/ are served from the volumes the application writes to.
    nginx_mounts = dict(volume_mounts(services["nginx"]))
    web_mounts = dict(volume_mounts(services["web"]))
    web_env = environment(services["web"])
    app_dirs = {"/static/": "/app/staticfiles", "/media/": web_env.get("MEDIA_ROOT", "/app/media")}
    for location, app_dir in app_dirs.items():
        aliases = [a[0] for d, a, _ in locations.get(location, []) if d in {"alias", "root"}]
        volume = next((s for s, t in web_mounts.items() if t.rstrip("/") == app_dir), None)
        served = nginx_mounts.get(volume, "") if volume else ""
        if not served or not aliases or aliases[0].rstrip("/") != served.rstrip("/"):
            problems.append(f"{location} must be served from the volume web writes to {app_dir}")
    return problems


def check_env_example(compose_text: str) -> list[str]:
    known = settings_variables()
    active, commented = env_example()
    documented = set(active) | commented
    problems = []
    allowed = known | COMPOSE_ONLY_VARIABLES | SHOP_PAYMENT_VARIABLES
    for name in sorted(documented - allowed):
        problems.append(f".env.example lists {name}, which neither the settings nor compose read")
    for name in sorted(known - documented):
        problems.append(f".env.example does not document {name}, which the settings read")
    for name in sorted(SHOP_PAYMENT_VARIABLES - documented):
        problems.append(f".env.example does not document {name} (payments)")
    used = {m[0] for m in INTERPOLATION.findall(compose_text)}
    for name in sorted(COMPOSE_ONLY_VARIABLES - used):
        problems.append(f"{name} is listed as compose-only but docker-compose.yml never uses it")
    for name in sorted(used - documented):
        problems.append(f"docker-compose.yml uses ${{{name}}}, which .env.example does not show")
    required = {m[0] for m in INTERPOLATION.findall(compose_text) if m[1] in (":?", "?")}
    for name, value in active.items():
        if value == "" and name not in required:
            problems.append(f".env.example sets {name} empty; comment it out to keep the default")
    return problems


def check_readme(readme_text: str) -> list[str]:
    names = settings_variables() | COMPOSE_ONLY_VARIABLES | SHOP_PAYMENT_VARIABLES
    rows = set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]*)`", readme_text, flags=re.MULTILINE))
    return [f"README.md has no table row for {name}" for name in sorted(names - rows)]


# --- the real files ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose():
    return load_compose()


def test_settings_scan_finds_the_environment_variables():
    names = settings_variables()
    assert {
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "DATABASE_POOL",
        "SECURE_SSL_REDIRECT",
    } <= names
    assert len(names) >= 30


def test_services_exist(compose):
    assert check_services(compose) == []


def test_processes_run_the_right_entry_points(compose):
    assert check_commands(compose) == []
    assert (ROOT / "project" / "wsgi.py").is_file()
    assert (ROOT / "project" / "asgi.py").is_file()
    assert (ROOT / "project" / "celery.py").is_file()


def test_beat_schedule_is_writable(compose):
    assert check_beat_schedule(compose) == []


def test_app_services_get_only_variables_the_settings_read(compose):
    assert check_app_environment(compose) == []


def test_app_services_reach_postgres_and_redis_services(compose):
    assert check_service_urls(compose) == []
    assert check_dependencies(compose) == []


def test_cache_has_its_own_memory_capped_redis(compose):
    assert check_cache_service(compose) == []


def test_asgi_process_uses_the_connection_pool(compose):
    assert check_ws_pool(compose) == []


def test_health_checks(compose):
    assert check_healthchecks(compose) == []


def test_release_step_migrates_and_collects_static(compose):
    assert check_release_step(compose) == []


def test_images_build_from_files_in_the_repository(compose):
    assert check_builds(compose) == []


def test_nginx_routes_websockets_to_daphne_and_the_rest_to_gunicorn(compose):
    assert check_nginx(compose) == []


def test_env_example_matches_settings_and_compose():
    assert check_env_example(COMPOSE_FILE.read_text()) == []


def test_readme_documents_every_variable():
    assert check_readme(README.read_text()) == []


COLLECTSTATIC = """
import sys
import django
from django.conf import settings
django.setup()
settings.STATIC_ROOT = sys.argv[1]
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""


def test_release_collectstatic_works_with_production_storage(tmp_path):
    """The release step's collectstatic, with the production (manifest) storage: one CSS file
    referring to something that does not exist fails the whole deployment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="project.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="tessera.example.com",
        EMAIL_HOST="smtp.example.com",
    )
    result = subprocess.run(
        [sys.executable, "-c", COLLECTSTATIC, str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "css/app.css" in manifest["paths"]


# --- the checkers catch mistakes -----------------------------------------------------------------


def test_checkers_reject_a_broken_compose_file(compose):
    broken = copy.deepcopy(compose)
    del broken["services"]["beat"]
    assert check_services(broken) == ["missing service beat"]

    broken = copy.deepcopy(compose)
    broken["services"]["web"]["command"] = "daphne -b 0.0.0.0 -p 8000 project.asgi:application"
    broken["services"]["worker"]["command"] = ["celery", "-A", "other", "worker"]
    assert len(check_commands(broken)) == 2

    broken = copy.deepcopy(compose)
    broken["services"]["beat"]["command"] = "celery -A project beat -s /app/celerybeat-schedule"
    broken["services"]["beat"]["volumes"] = []
    assert check_beat_schedule(broken)

    broken = copy.deepcopy(compose)
    broken["services"]["worker"]["environment"]["DJANGO_SETTINGS_MODULE"] = "project.settings.local"
    broken["services"]["web"]["environment"]["DATABSE_POOL"] = "true"  # misspelt
    problems = check_app_environment(broken)
    assert any("worker: DJANGO_SETTINGS_MODULE" in p for p in problems)
    assert any("DATABSE_POOL" in p for p in problems)

    broken = copy.deepcopy(compose)
    broken["services"]["ws"]["environment"]["DATABASE_URL"] = "postgres://u:p@localhost/tessera"
    broken["services"]["ws"]["environment"]["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    broken["services"]["ws"]["environment"].pop("DATABASE_POOL")
    assert len([p for p in check_service_urls(broken) if p.startswith("ws:")]) >= 3
    assert check_ws_pool(broken)

    broken = copy.deepcopy(compose)
    broken["services"]["cache"]["command"] = ["redis-server", "--appendonly", "no"]
    broken["services"]["worker"]["environment"]["CACHE_REDIS_URL"] = "redis://redis:6379/1"
    problems = check_cache_service(broken)
    assert any("--maxmemory," in p for p in problems)
    assert any("allkeys-lru" in p for p in problems)
    assert any(p.startswith("worker: CACHE_REDIS_URL") for p in problems)

    broken = copy.deepcopy(compose)
    broken["services"]["web"]["healthcheck"] = {"test": ["CMD", "true"]}
    assert check_healthchecks(broken) == ["web health check must use /healthz"]


NGINX_SWAPPED = """
upstream app { server web:8000; }
upstream sockets { server ws:8001; }
server {
    location /ws/ {
        proxy_pass http://app;
        proxy_set_header Host $host;
    }
    location / { proxy_pass http://sockets; }
    location /static/ { alias /somewhere/else/; }
}
"""


def test_nginx_checker_rejects_wrong_routing(compose):
    problems = check_nginx(compose, NGINX_SWAPPED)
    assert any(p.startswith("/ws/ must go to ws:8001") for p in problems)
    assert "/ws/ must pass the Upgrade header" in problems
    assert "/ws/ must set Connection: upgrade" in problems
    assert any(p.startswith("/ must go to web:8000") for p in problems)
    assert "/ws/ must set x-forwarded-proto" in problems
    assert any(p.startswith("/static/ must be served") for p in problems)
    assert any(p.startswith("/media/ must be served") for p in problems)


def test_env_and_readme_checkers_reject_undocumented_variables():
    compose_text = COMPOSE_FILE.read_text() + "\n# ${SOME_NEW_KNOB:-1}\n"
    assert any("SOME_NEW_KNOB" in p for p in check_env_example(compose_text))
    readme = README.read_text().replace("| `REDIS_URL`", "| REDIS_URL")
    assert check_readme(readme) == ["README.md has no table row for REDIS_URL"]
