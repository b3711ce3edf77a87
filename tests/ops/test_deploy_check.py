"""`manage.py check --deploy` under the production settings, in a production-like environment."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

from tests.ops.conftest import ROOT


def manage(*args, **environment):
    env = {name: value for name, value in os.environ.items()
           if name not in {"DEBUG", "DJANGO_SETTINGS_MODULE"} and not name.startswith("SECURE_")}
    env.update(DJANGO_SETTINGS_MODULE="config.production_settings", DEBUG="0",
               SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="timetable.example.edu",
               REDIS_URL=settings.REDIS_URL)
    env.update(environment)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_passes_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_behind_a_tls_proxy_the_forwarded_header_marks_requests_secure():
    result = manage("shell", "--verbosity", "0", "-c", "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)",
                    SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", result.stderr
    # A proxy that redirects plain HTTP itself: the app's redirect may be off, and the check agrees.
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", SECURE_SSL_REDIRECT="0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_ssl_redirect_off_without_a_proxy_is_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="0")
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


def test_a_weak_secret_key_is_refused_naming_the_variable():
    result = manage("check", SECRET_KEY="CHANGE-ME")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be at least 50 random characters" in result.stderr


def test_debug_is_refused():
    result = manage("check", DEBUG="1")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be off" in result.stderr
