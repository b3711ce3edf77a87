"""Settings, read from the environment (12-factor). Defaults run the demo on SQLite."""

from datetime import timedelta
from pathlib import Path
import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name, default):
    value = os.environ.get(name)
    return default if value is None else [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-debug-and-demo"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_celery_results",
    "rest_framework_simplejwt.token_blacklist",
    "accounts",
    "timetabling",
    "scheduling",
]

MIDDLEWARE = [
    "config.health.ProbeMiddleware",
    "config.metrics.RequestLatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server and worker share the file: wait for a lock rather than fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

# Run outputs go to Django storage: the local filesystem by default, an S3-compatible bucket
# (AWS S3, MinIO) when S3_BUCKET is set.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY"),
            "region_name": os.environ.get("S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }

# Uploaded term files (problem documents, .ctt, four-file JSON) are parsed in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

REDIS_URL = os.environ.get("REDIS_URL", "")

# The shared cache (rate limits) is Redis when configured, so that every process counts alike.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# The public API (django-ninja, /api/v1/): JWT access/refresh tokens, rotation and blacklisting.
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=int(os.environ.get("JWT_ACCESS_MINUTES", "15"))),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=int(os.environ.get("JWT_REFRESH_DAYS", "7"))),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
}
# API listings: at most 1000 items a page, offsets within what the database can count.
NINJA_PAGINATION_CLASS = "config.fields.BoundedLimitOffsetPagination"
NINJA_PAGINATION_MAX_LIMIT = 1000
API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", "240"))
API_MAX_UPLOAD_BYTES = int(os.environ.get("API_MAX_UPLOAD_BYTES", 5 * 1024 * 1024))
# Webhooks go to public http(s) addresses only, unless this allows private and loopback ones.
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)

# The engine runs as a subprocess in its own environment (requirements/ga.txt).
GA_PYTHON = os.environ.get("GA_PYTHON", str(BASE_DIR / ".venv-ga" / "bin" / "python"))
# Seconds between SIGTERM and SIGKILL when a run is cancelled or over its limit.
ENGINE_STOP_GRACE = float(os.environ.get("ENGINE_STOP_GRACE", "5"))
# The engine's search time when a run is started without generations or a time limit.
RUN_DEFAULT_TIME_LIMIT = int(os.environ.get("RUN_DEFAULT_TIME_LIMIT", "60"))
# A running run whose worker has not written a heartbeat for this long is abandoned: it is
# queued again once (RUN_MAX_ATTEMPTS starts in all), then failed with the reason.
RUN_HEARTBEAT_TIMEOUT = int(os.environ.get("RUN_HEARTBEAT_TIMEOUT", "60"))
RUN_MAX_ATTEMPTS = int(os.environ.get("RUN_MAX_ATTEMPTS", "2"))
# A queued run whose message is in no broker queue after this long is sent again (the broker
# lost it, e.g. Redis restarted empty).
RUN_RESEND_AFTER = int(os.environ.get("RUN_RESEND_AFTER", "30"))
# How often the beat service looks for runs to recover (seconds).
RUN_RECOVERY_INTERVAL = float(os.environ.get("RUN_RECOVERY_INTERVAL", "30"))
# Run outputs older than this are deleted by a periodic task and the runs marked expired.
RUN_RETENTION_DAYS = int(os.environ.get("RUN_RETENTION_DAYS", "30"))

# What each plan tier may ask of the engine. max_seconds is the wall-clock limit of one run:
# past it the engine is stopped and the run ends as timed out. runs_per_day None = unlimited.
# Paid plans go to the priority queue (workers consume it first); an enterprise organization
# with a dedicated queue gets its own workers.
ENGINE_QUEUE = "engine"
ENGINE_PRIORITY_QUEUE = "engine.priority"
PLAN_LIMITS = {
    "free": {"runs_per_day": 5, "max_generations": 100, "max_seconds": int(os.environ.get("FREE_MAX_SECONDS", "120")),
             "queue": ENGINE_QUEUE},
    "pro": {"runs_per_day": None, "max_generations": 1000, "max_seconds": int(os.environ.get("PRO_MAX_SECONDS", "900")),
            "queue": ENGINE_PRIORITY_QUEUE},
    "enterprise": {"runs_per_day": None, "max_generations": 100000,
                   "max_seconds": int(os.environ.get("ENTERPRISE_MAX_SECONDS", "3600")), "queue": ENGINE_PRIORITY_QUEUE},
}

# Celery: Redis when REDIS_URL is set; otherwise a broker in files under var/ that needs no
# server (the demo). Engine work has its own queue so that short tasks are never stuck behind it.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = BASE_DIR / "var" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(_broker_dir), "data_folder_out": str(_broker_dir),
                                       "control_folder": str(_broker_dir / "control")}
    (_broker_dir / "control").mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ROUTES = {"scheduling.tasks.run_schedule": {"queue": ENGINE_QUEUE}}
# A message is acknowledged only when its task ends, one at a time per worker process: a run
# whose worker dies is delivered again (and the task's atomic claim makes that safe).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
if REDIS_URL:
    # Redelivery of an unacknowledged message must wait longer than the longest run.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": max(limits["max_seconds"] for limits in PLAN_LIMITS.values()) + 600,
        # Workers list the priority queue first and take from it first, not in turns.
        "queue_order_strategy": "priority",
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "recover-runs": {"task": "scheduling.tasks.recover_runs", "schedule": RUN_RECOVERY_INTERVAL},
    "expire-run-outputs": {"task": "scheduling.tasks.expire_run_outputs", "schedule": 3600.0},
}

# Operations (config/health.py, config/metrics.py, config/logging.py). Logs: one JSON object a
# line (LOG_FORMAT=json, the production default) or text; Celery workers keep Django's handlers.
LOGGING = logging_config(os.environ.get("LOG_FORMAT", "text"), os.environ.get("LOG_LEVEL", "INFO"))
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# When set, /metrics answers only requests with "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
