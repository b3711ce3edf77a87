"""What the broker holds: the ids of the tasks waiting in, or taken from, the engine queues.

Only Redis can be asked (the embedded file broker of the demo cannot); there kombu keeps each
queue as a list of JSON messages and the messages handed to a worker but not yet acknowledged
in the "unacked" hash.
"""

import json

from django.conf import settings

from config.celery import app


def engine_queues():
    return sorted({settings.ENGINE_QUEUE, settings.ENGINE_PRIORITY_QUEUE}
                  | {limits["queue"] for limits in settings.PLAN_LIMITS.values()})


def _task_id(raw):
    try:
        return json.loads(raw)["headers"]["id"]
    except (ValueError, KeyError, TypeError):
        return None


def broker_task_ids(extra_queues=()):
    """Task ids the broker still holds, or None when the broker cannot be asked."""
    if not settings.REDIS_URL:
        return None
    with app.connection_for_write() as connection:
        client = connection.default_channel.client
        ids = set()
        for queue in [*engine_queues(), *extra_queues]:
            # kombu keeps priority levels of a queue in sibling lists named queue\x06\x16N.
            for key in client.keys(f"{queue}*"):
                if client.type(key) == b"list":
                    ids.update(_task_id(raw) for raw in client.lrange(key, 0, -1))
        for raw in client.hvals("unacked"):
            try:
                ids.add(_task_id(json.dumps(json.loads(raw)[0])))
            except (ValueError, IndexError, TypeError):
                continue
    ids.discard(None)
    return ids
