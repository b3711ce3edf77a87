# The worker image: the Celery worker (Python 3.11, Django) and the engine's own Python 3.9
# environment at /opt/ga, built from requirements/ga.txt; the worker starts the engine with
# GA_PYTHON as a subprocess.
#
# Python 3.9 is copied from the official python:3.9-slim image of the same Debian release as the
# base image: both interpreters are built the same way against the same system libraries, so the
# copy runs as is, and the build needs nothing but Docker Hub and PyPI (no compiler, no
# interpreter downloads from elsewhere). ga.txt's packages all ship manylinux wheels for 3.9.
FROM python:3.9-slim-bookworm AS python39

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.production_settings

WORKDIR /app
COPY --from=python39 /usr/local/bin/python3.9 /usr/local/bin/python3.9
COPY --from=python39 /usr/local/lib/python3.9 /usr/local/lib/python3.9
COPY --from=python39 /usr/local/lib/libpython3.9.so.1.0 /usr/local/lib/libpython3.9.so.1.0
COPY requirements/ga.txt requirements/ga.txt
RUN ldconfig \
    && python3.9 -m venv /opt/ga \
    && /opt/ga/bin/pip install -r requirements/ga.txt
ENV GA_PYTHON=/opt/ga/bin/python

RUN useradd --create-home --uid 10001 app \
    && mkdir -p /data/media \
    && chown app:app /data/media

COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt
COPY . .

# numba compiles the engine's kernels on first use (40–90 s); solving a tiny problem here puts
# them in a cache the runs read, so the first run of a new worker starts as fast as any other.
ENV NUMBA_CACHE_DIR=/opt/ga/numba-cache
RUN /opt/ga/bin/python -m ga_runner solve docker/warmup-problem.json --out /tmp/warmup --generations 2 \
    && rm -rf /tmp/warmup && chown -R app:app /opt/ga/numba-cache

# The command, with the queues to consume, is in docker-compose.yml.
USER app
