"""The `docker compose up` topology: compose file, nginx and gunicorn settings.

No Docker engine is needed. The compose file is validated and normalised by
the compose tool itself (`docker compose` v2 or `docker-compose` 1.29); nginx's
configuration is read as text and, where nginx is installed, checked with
`nginx -t`. Tests that need a tool skip, with the reason, when it is absent.
"""

import json
import os
import re
import runpy
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
DOCKERFILE = ROOT / "Dockerfile"

SENTINEL_KEY = "compose-test-secret-key"
LONG_RUNNING = {
    "postgres",
    "redis",
    "web",
    "daphne1",
    "daphne2",
    "worker",
    "beat",
    "nginx",
}
APP_SERVICES = {"web", "daphne1", "daphne2", "worker"}

# YAML to JSON with the interpreter that runs docker-compose 1.x (it ships
# PyYAML; this project does not depend on it).
YAML_TO_JSON = (
    "import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)"
)


# --- compose --------------------------------------------------------------


def compose_command() -> list[str] | None:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run(
            [docker, "compose", "version"], capture_output=True, timeout=30
        )
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def run_compose(command, env_file, *args, secret_key=SENTINEL_KEY):
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "SECRET_KEY" and not key.startswith("COMPOSE_")
    }
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    # An empty --env-file: a developer's .env must not change the result.
    return subprocess.run(
        [*command, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )


def python_behind(executable: str) -> str | None:
    """The interpreter of a Python console script, or None for a binary."""
    with open(executable, "rb") as script:
        first_line = script.readline()
    if first_line.startswith(b"#!") and b"python" in first_line:
        return first_line[2:].decode().strip().split()[0]
    return None


@pytest.fixture(scope="module")
def compose(tmp_path_factory):
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed")
    env_file = tmp_path_factory.mktemp("compose") / "empty.env"
    env_file.write_text("")
    return command, env_file


@pytest.fixture(scope="module")
def compose_config(compose) -> dict:
    """docker-compose.yml as the compose tool normalises it, as a dict."""
    command, env_file = compose
    # Compose v2 prints JSON; 1.29 prints its usage (and exits 0) instead.
    as_json = run_compose(command, env_file, "config", "--format", "json")
    if as_json.returncode == 0 and as_json.stdout.lstrip().startswith("{"):
        return json.loads(as_json.stdout)
    as_yaml = run_compose(command, env_file, "config")
    assert as_yaml.returncode == 0, as_yaml.stderr
    python = python_behind(command[0])
    if python is None:
        pytest.skip(f"{command[0]} gives neither JSON nor a Python to read its YAML")
    converted = subprocess.run(
        [python, "-c", YAML_TO_JSON],
        input=as_yaml.stdout,
        capture_output=True,
        text=True,
        timeout=30,
    )
    if converted.returncode != 0:
        pytest.skip(f"cannot read {command[0]}'s YAML: {converted.stderr.strip()}")
    return json.loads(converted.stdout)


def command_of(service: dict) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_compose_refuses_to_run_without_a_secret_key(compose):
    command, env_file = compose
    result = run_compose(command, env_file, "config", "-q", secret_key=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_compose_file_is_valid_with_a_secret_key(compose):
    command, env_file = compose
    result = run_compose(command, env_file, "config", "-q")
    assert result.returncode == 0, result.stderr


def test_the_services(compose_config):
    assert set(compose_config["services"]) == LONG_RUNNING | {"migrate"}


def test_every_long_running_service_has_a_healthcheck(compose_config):
    services = compose_config["services"]
    for name in LONG_RUNNING:
        healthcheck = services[name].get("healthcheck", {})
        assert healthcheck.get("test"), f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), f"{name} disables its healthcheck"


def test_web_runs_gunicorn_and_the_daphne_services_run_daphne(compose_config):
    services = compose_config["services"]
    web = command_of(services["web"])
    assert web.startswith("gunicorn ")
    assert "-c deploy/gunicorn.conf.py" in web
    assert "hertsreport.wsgi:application" in web
    assert "daphne" not in web
    for name in ("daphne1", "daphne2"):
        daphne = command_of(services[name])
        assert daphne.startswith("daphne ")
        assert "-p 8001" in daphne
        assert "hertsreport.asgi:application" in daphne


def test_workers_consume_both_queues_and_beat_runs(compose_config):
    services = compose_config["services"]
    worker = command_of(services["worker"])
    assert "worker" in worker
    assert "-Q default,notifications" in worker
    assert " beat" in command_of(services["beat"])


def test_app_services_start_after_the_migration(compose_config):
    services = compose_config["services"]
    migrate = command_of(services["migrate"])
    assert "manage.py migrate" in migrate
    assert "manage.py seed_roles" in migrate
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"
        assert depends_on["postgres"]["condition"] == "service_healthy"
        assert depends_on["redis"]["condition"] == "service_healthy"


def test_app_environment_is_production_and_the_key_is_not_baked_in(compose_config):
    services = compose_config["services"]
    for name in APP_SERVICES | {"beat", "migrate"}:
        environment = services[name]["environment"]
        assert environment["SECRET_KEY"] == SENTINEL_KEY
        assert environment["DEBUG"] == "false"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["REDIS_URL"].startswith("redis://")
    dockerfile = DOCKERFILE.read_text()
    assert not re.search(r"^\s*(ENV|ARG)\b.*SECRET_KEY", dockerfile, re.M)


def test_web_daphne_and_worker_share_the_media_volume(compose_config):
    services = compose_config["services"]
    for name in APP_SERVICES:
        volumes = services[name]["volumes"]
        targets = {
            (v["target"] if isinstance(v, dict) else v.split(":")[1]) for v in volumes
        }
        assert services[name]["environment"]["MEDIA_ROOT"] in targets, name


def test_only_nginx_is_published(compose_config):
    published = {
        name
        for name, service in compose_config["services"].items()
        if "ports" in service
    }
    assert published == {"nginx"}


def test_nginx_upstreams_are_compose_services(compose_config):
    upstream_hosts = set(re.findall(r"server\s+([\w.-]+):\d+;", read_nginx()))
    assert upstream_hosts == {"web", "daphne1", "daphne2"}
    assert upstream_hosts <= set(compose_config["services"])


# --- nginx ----------------------------------------------------------------


def read_nginx() -> str:
    """deploy/nginx.conf without comments."""
    return re.sub(r"#[^\n]*", "", NGINX_CONF.read_text())


def block(text: str, header: str) -> str:
    """The body of the first `header { ... }` block (braces balanced)."""
    match = re.search(re.escape(header) + r"\s*\{", text)
    assert match, f"no `{header}` block in {NGINX_CONF.name}"
    depth, start = 1, match.end()
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[start:index]
    raise AssertionError(f"unbalanced braces after `{header}`")


def seconds(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(s|m|h|d)?", value).groups()
    return int(number) * {None: 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[unit]


def test_nginx_sends_websockets_to_both_daphne_services():
    conf = read_nginx()
    daphne = block(conf, "upstream daphne")
    assert re.search(r"server\s+daphne1:8001;", daphne)
    assert re.search(r"server\s+daphne2:8001;", daphne)
    ws = block(conf, "location /ws/")
    assert re.search(r"proxy_pass\s+http://daphne;", ws)
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", ws)
    assert re.search(r"proxy_set_header\s+Connection\s+\$connection_upgrade;", ws)
    assert re.search(r"proxy_http_version\s+1\.1;", conf)
    timeout = re.search(r"proxy_read_timeout\s+(\S+);", ws)
    assert timeout and seconds(timeout.group(1)) >= 600


def test_nginx_sends_everything_else_to_gunicorn():
    conf = read_nginx()
    assert re.search(r"server\s+web:8000;", block(conf, "upstream gunicorn"))
    assert re.search(r"proxy_pass\s+http://gunicorn;", block(conf, "location / "))
    assert re.search(r"proxy_set_header\s+X-Forwarded-Proto\s", conf)
    assert re.search(r"proxy_set_header\s+Host\s", conf)


def test_nginx_never_logs_a_client_address():
    conf = read_nginx()
    formats = re.findall(r"log_format\s+\w+\s+([^;]*);", conf)
    assert formats, "a log_format of our own (nginx's default logs addresses)"
    for log_format in formats:
        variables = set(re.findall(r"\$\{?(\w+)", log_format))
        identifying = variables & {
            "remote_addr",
            "binary_remote_addr",
            "realip_remote_addr",
            "http_x_forwarded_for",
            "http_x_real_ip",
            "http_forwarded",
            "proxy_add_x_forwarded_for",
            "http_user_agent",
            "http_referer",
            "http_cookie",
            "request",  # the request line carries the query string
            "request_uri",
            "args",
            "query_string",
        }
        assert not identifying, identifying
    for access_log in re.findall(r"access_log\s+([^;]*);", conf):
        parts = access_log.split()
        assert parts == ["off"] or (len(parts) > 1 and parts[1] != "combined")


def test_nginx_keeps_anonymous_intelligence_out_of_logs_and_headers():
    conf = read_nginx()
    tell_us = block(conf, "location /tell-us")
    assert re.search(r"access_log\s+off;", tell_us)
    assert re.search(r"error_log\s+/dev/null", tell_us)
    # The address still reaches Django there, which rate-limits on a keyed,
    # rotating hash of it and never stores it (tests/intelligence).
    forwarded_for = block(conf, "map $uri $forwarded_for")
    assert "$proxy_add_x_forwarded_for" in forwarded_for


def test_nginx_allows_evidence_uploads_only_where_they_are_made():
    conf = read_nginx()
    server = block(conf, "server")
    default = re.search(r"^\s*client_max_body_size\s+(\d+)m;", server, re.M)
    assert default and int(default.group(1)) <= 20
    for location in ("location /report/", "location /tell-us"):
        size = re.search(r"client_max_body_size\s+(\d+)m;", block(conf, location))
        assert size and int(size.group(1)) >= 200, location


def find_nginx() -> str | None:
    search = os.pathsep.join(
        [os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"]
    )
    return shutil.which("nginx", path=search)


def test_nginx_accepts_the_configuration(tmp_path):
    nginx = find_nginx()
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    # nginx -t resolves upstream host names, which only exist inside the
    # compose network; logs go to files so any user can run the check.
    text = NGINX_CONF.read_text()
    text = re.sub(r"server\s+[\w.-]+:(\d+);", r"server 127.0.0.1:\1;", text)
    text = text.replace("/dev/stdout", str(tmp_path / "access.log"))
    text = text.replace("/dev/stderr", str(tmp_path / "error.log"))
    conf = tmp_path / "nginx.conf"
    conf.write_text(text)
    result = subprocess.run(
        [
            nginx,
            "-t",
            "-q",
            "-c",
            str(conf),
            "-p",
            f"{tmp_path}/",
            "-e",
            str(tmp_path / "startup.log"),
            "-g",
            f"pid {tmp_path / 'nginx.pid'};",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_nginx_logs_neither_the_intelligence_journey_nor_resume_links():
    conf = read_nginx()
    for prefix in ("/tell-us", "/report/resume/"):
        block = re.search(rf"location\s+{re.escape(prefix)}\s*\{{([^}}]*)\}}", conf)
        assert block, f"a location of its own for {prefix}"
        assert re.search(r"access_log\s+off;", block.group(1)), prefix


# --- gunicorn -------------------------------------------------------------


def load_gunicorn_conf(monkeypatch, **environ) -> dict:
    for name in ("WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_settings(monkeypatch):
    conf = load_gunicorn_conf(monkeypatch)
    assert conf["bind"] == "0.0.0.0:8000"
    assert conf["workers"] == 2
    assert conf["forwarded_allow_ips"]
    assert load_gunicorn_conf(monkeypatch, WEB_CONCURRENCY="5")["workers"] == 5


def test_gunicorn_knows_every_setting_in_the_file(monkeypatch):
    from gunicorn.config import Config

    conf = load_gunicorn_conf(monkeypatch)
    config = Config()
    names = {
        name
        for name, value in conf.items()
        if name.islower() and not name.startswith("_") and not callable(value)
    } - {"os"}
    assert names <= set(config.settings), names - set(config.settings)
    for name in names:
        config.set(name, conf[name])  # validates the value's type


def test_gunicorn_access_log_has_no_client_address(monkeypatch):
    log_format = load_gunicorn_conf(monkeypatch)["access_log_format"]
    for identifying in ("%(h)s", "%(a)s", "%(f)s", "%(r)s", "%(q)s", "{x-"):
        assert identifying not in log_format, identifying
    assert "%(U)s" in log_format and "%(s)s" in log_format


# --- Dockerfile -----------------------------------------------------------


def test_dockerfile_compiles_the_stylesheet_like_the_makefile():
    makefile = (ROOT / "Makefile").read_text().replace("\\\n", " ")
    sass_flags = re.search(r"^SASS_FLAGS\s*:=(.*)$", makefile, re.M).group(1).split()
    dockerfile = DOCKERFILE.read_text().replace("\\\n", " ")
    sass = re.search(r"node_modules/\.bin/sass\s+([^&]*)", dockerfile).group(1)
    assert set(sass_flags) <= set(sass.split())
    assert "npm ci" in dockerfile and "--ignore-scripts" in dockerfile
    assert "pip install -c requirements.lock ." in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert re.search(r"^USER\s+(?!root\b)\w+", dockerfile, re.M)


def test_gunicorn_logs_neither_the_intelligence_journey_nor_resume_links(
    monkeypatch, tmp_path
):
    """gunicorn's own logger, as production configures it, fed the requests
    it would log: the pages are there, the journey and the token are not."""
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    conf = load_gunicorn_conf(monkeypatch)
    config = Config()
    for name in ("logger_class", "access_log_format"):
        config.set(name, conf[name])
    log_file = tmp_path / "access.log"
    config.set("accesslog", str(log_file))
    logger = config.logger_class(config)
    assert isinstance(logger, Logger)
    resume = "/report/resume/s3cr3t-Resume-Token-Value/"
    informant = "/tell-us/Dr4ft-Token-Value/what-happened/"
    for path in ("/report/", resume, informant, "/guidance/"):
        request = SimpleNamespace(
            method="GET", path=path, query="", version=(1, 1), headers=[]
        )
        response = SimpleNamespace(
            status="200 OK", response_length=10, sent=10, headers=[]
        )
        environ = {
            "PATH_INFO": path,
            "RAW_URI": path,
            "REQUEST_METHOD": "GET",
            "SERVER_PROTOCOL": "HTTP/1.1",
        }
        logger.access(response, request, environ, timedelta(milliseconds=5))
    logged = log_file.read_text()
    assert "GET /report/ " in logged and "GET /guidance/ " in logged
    assert "Resume-Token" not in logged and "/tell-us/" not in logged
