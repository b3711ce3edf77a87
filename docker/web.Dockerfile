# The web image: Django under gunicorn, static files collected at build time and served by
# whitenoise. Celery beat runs from this image too. The engine's scientific stack is not here:
# it lives in the worker image only.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.production_settings \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus

# /data/* are mount points of named volumes: a new volume takes the owner of its mount point.
RUN useradd --create-home --uid 10001 app \
    && mkdir -p /data/media /data/beat \
    && chown app:app /data/media /data/beat

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt
COPY . .
# Production settings refuse to load without a strong key; this one exists only for the build.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput

# The commands (web: migrate, then gunicorn; beat) are in docker-compose.yml.
USER app
EXPOSE 8000
