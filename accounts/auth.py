"""API authentication: JWT bearer tokens (simplejwt) or the admin's session, and a per-user
request rate limit kept in the shared cache."""

import time

from django.conf import settings
from django.core.cache import cache
from ninja.security import HttpBearer, SessionAuth
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User


class RateLimited(Exception):
    def __init__(self, retry_after):
        super().__init__(f"Too many requests: at most {settings.API_RATE_LIMIT_PER_MINUTE} a minute.")
        self.retry_after = retry_after


def rate_limit_check(user):
    """A fixed one-minute window per user, counted in the cache every process shares."""
    window = int(time.time() // 60)
    key = f"api-rate:{user.pk}:{window}"
    if cache.add(key, 1, timeout=70):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.add(key, 1, timeout=70)
            count = 1
    if count > settings.API_RATE_LIMIT_PER_MINUTE:
        raise RateLimited(retry_after=60 - int(time.time()) % 60)


def _member(user):
    if user is None or not user.is_active:
        return None
    if not user.is_superuser and user.organization_id is None:
        return None
    rate_limit_check(user)
    return user


class JWTAuth(HttpBearer):
    def authenticate(self, request, token):
        try:
            access = AccessToken(token)
        except TokenError:
            return None
        user = User.objects.select_related("organization").filter(pk=access.get("user_id")).first()
        request.user = user
        return _member(user)


class AdminSessionAuth(SessionAuth):
    """Staff signed in to the admin can try the API from the browser docs (CSRF-checked)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return _member(user) if user is not None and user.is_staff else None
