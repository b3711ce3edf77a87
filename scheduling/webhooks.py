"""Webhooks: when a run ends, POST a signed JSON summary to the run's callback URL.

The body is signed with HMAC-SHA256 and the organization's secret, sent as
``X-Timetable-Signature: sha256=<hex>``; receivers recompute it over the raw body.
Only http(s) URLs whose host resolves to public addresses are called, unless
WEBHOOK_ALLOW_PRIVATE allows private and loopback ones (checked again at delivery time, so a
name cannot be re-pointed at an internal address after submission).
"""

import hashlib
import hmac
import ipaddress
import json
import socket
from urllib.parse import urlsplit

from django.conf import settings

from scheduling.selectors import run_status

SIGNATURE_HEADER = "X-Timetable-Signature"


class WebhookURLRefused(ValueError):
    pass


def webhook_url_check(url):
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise WebhookURLRefused(f"callback_url must be an http(s) URL, not {url!r}.")
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)}
    except socket.gaierror:
        raise WebhookURLRefused(f"callback_url: the host {parts.hostname!r} does not resolve.")
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global:
            raise WebhookURLRefused(f"callback_url: {parts.hostname} is a private or loopback address ({ip}).")


def webhook_signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_payload(run):
    return {"event": "run.ended", "run": dict(run_status(run=run), term_id=run.term_id)}


def webhook_body(run):
    return json.dumps(webhook_payload(run), sort_keys=True).encode()
