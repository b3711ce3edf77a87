"""Gunicorn in the web image: logs in the app's format, request metrics shared by the workers."""

import os
import shutil

from prometheus_client import multiprocess

from config.logging import logging_config

bind = "0.0.0.0:8000"
# Worker processes: gunicorn reads WEB_CONCURRENCY. Heartbeat files on tmpfs, not the image's disk.
worker_tmp_dir = "/dev/shm"
# gunicorn's own loggers hand their lines to the root logger, formatted like the app's.
logconfig_dict = {
    **logging_config(os.environ.get("LOG_FORMAT", "json"), os.environ.get("LOG_LEVEL", "INFO")),
    "loggers": {"gunicorn.error": {"propagate": True}, "gunicorn.access": {"propagate": True}},
}


def on_starting(server):
    # Files left by a previous start would be counted again.
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
