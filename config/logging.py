"""Log configuration: one JSON object per line in production, plain text for the demo.

``run_logger(run)`` gives a logger whose every line carries the run's id and organization, so
that a run's story can be pulled out of the web, worker and engine-supervisor logs together.
"""

import json
import logging
from datetime import datetime, timezone

from django.core.exceptions import ImproperlyConfigured

# Attributes every LogRecord has; anything else on a record was passed with ``extra=``.
_RECORD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}

LOG_FORMATS = ("json", "text")


class JsonFormatter(logging.Formatter):
    """timestamp, level, logger, message, the record's extra fields and any exception."""

    def format(self, record):
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((key, value) for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def logging_config(log_format, level):
    """The LOGGING dict: everything through the root logger to stderr, as JSON or text."""
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    formatters = {
        "json": {"()": JsonFormatter},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {log_format: formatters[log_format]},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
    }


class RunLoggerAdapter(logging.LoggerAdapter):
    """Adds the run's fields to every line, keeping any ``extra=`` the call passes."""

    def process(self, msg, kwargs):
        kwargs["extra"] = {**self.extra, **kwargs.get("extra", {})}
        return msg, kwargs


def run_logger(run, name="scheduling.run"):
    """A logger for lines about ``run``: each carries ``run_id`` and ``organization`` (the slug)."""
    return RunLoggerAdapter(logging.getLogger(name), {"run_id": run.pk, "organization": run.organization.slug})
