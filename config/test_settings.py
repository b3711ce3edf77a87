"""Settings for the test suite: the real settings with a fixed key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")

from config.settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
