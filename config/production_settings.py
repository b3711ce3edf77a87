"""Production: the settings with HTTPS enforced, JSON logs, and a strong SECRET_KEY required.

The images run with DJANGO_SETTINGS_MODULE=config.production_settings; `manage.py check --deploy`
passes with the defaults below. Behind a proxy that terminates TLS, name the header it sets to
"https" in SECURE_PROXY_SSL_HEADER (e.g. X-Forwarded-Proto).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.logging import logging_config
from config.settings import *  # noqa: F401,F403
from config.settings import DEBUG, MIDDLEWARE, SECRET_KEY, STORAGES, env_bool

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off with config.production_settings")
# The strength Django's deploy check asks for (security.W009), enforced at start.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be at least 50 random characters; make one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "")
if _proxy_header:
    # Only behind a proxy that sets this header on every request and strips it from clients'.
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
if not SECURE_SSL_REDIRECT and _proxy_header:
    # The TLS-terminating proxy redirects plain HTTP itself.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
try:
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
except ValueError:
    raise ImproperlyConfigured("SECURE_HSTS_SECONDS must be a whole number of seconds") from None
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Static files collected into the image at build time, served by whitenoise with hashed names
# that browsers may cache for good.
MIDDLEWARE = [
    *MIDDLEWARE[: MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1:],
]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}

LOGGING = logging_config(os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO"))
