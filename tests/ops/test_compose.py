"""docker-compose.yml and the Dockerfiles agree with the settings: the queues the worker consumes,
the engine's Python environment, the environment variables, the services' commands.

This reads the files only; `make compose-config` has Docker Compose itself validate them.
"""

import ast
import re
import shlex

import pytest
import yaml
from django.conf import settings

from config.metrics import engine_queue_names
from tests.ops.conftest import ROOT

COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
SERVICES = yaml.safe_load(COMPOSE_TEXT)["services"]
VOLUMES = yaml.safe_load(COMPOSE_TEXT)["volumes"]
ENV_EXAMPLE = (ROOT / ".env.example").read_text()
SETTINGS_MODULES = [ROOT / "config" / "settings.py", ROOT / "config" / "production_settings.py"]
APP_SERVICES = ["web", "worker", "beat"]


def command(service):
    value = SERVICES[service]["command"]
    return value if isinstance(value, list) else shlex.split(value)


def option(arguments, *names):
    for position, argument in enumerate(arguments):
        if argument in names:
            return arguments[position + 1]
    pytest.fail(f"none of {names} in {arguments}")


def dockerfile(service):
    return (ROOT / SERVICES[service]["build"]["dockerfile"]).read_text()


def named_volume_mounts(service):
    """{mount point: volume} of the named volumes a service mounts."""
    mounts = {}
    for entry in SERVICES[service].get("volumes", []):
        source, target = entry.split(":")[:2]
        if source in VOLUMES:
            mounts[target] = source
    return mounts


def environment_helpers(tree):
    """Functions of a module that read os.environ (env_bool, env_list, ...)."""
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef) and "os.environ" in ast.unparse(node)}


def settings_environment_names():
    """Every variable name the settings modules read from the environment, found in their source."""
    trees = [ast.parse(path.read_text()) for path in SETTINGS_MODULES]
    readers = {"os.environ.get", "os.getenv"} | set().union(*map(environment_helpers, trees))
    names = set()
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            key = node.slice
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in readers and node.args:
            key = node.args[0]
        else:
            continue
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            names.add(key.value)
    return names


def test_the_stack_has_its_services_and_minio_is_optional():
    assert set(SERVICES) == {"postgres", "redis", "web", "worker", "beat", "minio", "minio-bucket"}
    assert {name for name, service in SERVICES.items() if service.get("profiles")} == {"minio", "minio-bucket"}
    assert SERVICES["minio"]["profiles"] == SERVICES["minio-bucket"]["profiles"] == ["minio"]


def test_servers_are_healthchecked_and_keep_their_data_in_named_volumes():
    assert "pg_isready" in SERVICES["postgres"]["healthcheck"]["test"]
    assert " ".join(SERVICES["redis"]["healthcheck"]["test"]).endswith("redis-cli ping")
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])
    assert "inspect ping" in " ".join(SERVICES["worker"]["healthcheck"]["test"])
    assert named_volume_mounts("postgres") == {"/var/lib/postgresql/data": "postgres-data"}
    assert named_volume_mounts("redis") == {"/data": "redis-data"}
    assert "--appendonly" in command("redis")


def test_app_services_run_the_production_settings_against_the_compose_servers():
    for name in APP_SERVICES:
        environment = SERVICES[name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.production_settings", name
        assert "@postgres:5432/" in environment["DATABASE_URL"], name
        assert environment["REDIS_URL"].startswith("redis://redis:6379/"), name
        for server in ("postgres", "redis"):
            assert SERVICES[name]["depends_on"][server] == {"condition": "service_healthy"}, name
    # The worker writes run outputs that the web serves.
    media_root = SERVICES["web"]["environment"]["MEDIA_ROOT"]
    assert named_volume_mounts("web")[media_root] == named_volume_mounts("worker")[media_root]


def test_web_migrates_then_serves_with_gunicorn_and_its_static_files():
    text = " ".join(command("web"))
    assert "manage.py migrate" in text
    assert text.index("manage.py migrate") < text.index("gunicorn")
    assert option(command("web")[-1].split(), "--config") == "docker/gunicorn.conf.py"
    assert (ROOT / "docker" / "gunicorn.conf.py").is_file()
    web = dockerfile("web")
    assert re.search(r"^FROM python:3\.11-slim", web, re.M)
    assert "manage.py collectstatic --noinput" in web
    assert "requirements/base.txt" in web and "ga.txt" not in web


def test_worker_consumes_every_queue_the_settings_send_work_to():
    queues = set(option(command("worker"), "--queues", "-Q").split(","))
    sent_to = (
        {settings.ENGINE_QUEUE}
        | {limits["queue"] for limits in settings.PLAN_LIMITS.values()}
        | {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
        # Periodic and short tasks without a route.
        | {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")}
    )
    assert sent_to <= queues
    # The queues /metrics measures are the ones the worker consumes.
    assert engine_queue_names() <= queues
    assert option(command("worker"), "--concurrency") == "${WORKER_CONCURRENCY:-1}"


def test_worker_runs_the_engine_with_the_python_39_environment_built_from_ga_txt():
    worker = dockerfile("worker")
    assert re.search(r"^FROM python:3\.9-slim\S* AS python39$", worker, re.M)
    final_stage = worker[worker.rindex("\nFROM "):]
    assert re.match(r"\nFROM python:3\.11-slim", final_stage)
    venv = re.search(r"python3\.9 -m venv (\S+)", worker).group(1)
    assert f"{venv}/bin/pip install -r requirements/ga.txt" in worker
    assert "COPY requirements/ga.txt requirements/ga.txt" in worker
    assert f"ENV GA_PYTHON={venv}/bin/python" in worker
    assert SERVICES["worker"]["environment"]["GA_PYTHON"] == f"{venv}/bin/python"
    assert "requirements/base.txt" in worker


def test_beat_is_one_container_with_its_schedule_on_a_volume():
    beat = command("beat")
    assert beat[0] == "celery" and option(beat, "-A") == "config" and "beat" in beat
    schedule = option(beat, "--schedule", "-s")
    assert any(schedule.startswith(mount + "/") for mount in named_volume_mounts("beat"))
    assert "deploy" not in SERVICES["beat"] and "scale" not in SERVICES["beat"]
    assert settings.CELERY_BEAT_SCHEDULE


def test_env_example_lists_every_variable_the_settings_read():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, re.M))
    read = settings_environment_names()
    assert {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"} <= read  # the source was understood
    assert read - listed == set()


def test_env_example_lists_every_variable_the_compose_file_uses():
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, re.M))
    # ENV_FILE only chooses the file (make compose-config points it at .env.example).
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE_TEXT)) - {"ENV_FILE"}
    assert used - listed == set()


def test_minio_profile_uses_the_storage_settings_the_app_reads():
    storage = {"S3_BUCKET", "S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"}
    assert storage <= settings_environment_names()
    bucket_command = " ".join(command("minio-bucket"))
    assert all(f"${name}" in bucket_command for name in storage)
    assert SERVICES["minio-bucket"]["depends_on"] == {"minio": {"condition": "service_healthy"}}
    assert SERVICES["minio"]["environment"] == {"MINIO_ROOT_USER": "${S3_ACCESS_KEY_ID:-}",
                                                "MINIO_ROOT_PASSWORD": "${S3_SECRET_ACCESS_KEY:-}"}
