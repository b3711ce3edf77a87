"""Settings for the test suite: the real settings with a fixed key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-long-enough-for-hs256")
# Tests use real servers: the machine's Redis unless REDIS_URL names another.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")

from config.settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ENGINE_STOP_GRACE = 3
