"""Test settings: production settings with a test key, so tests run as production does."""

import os

# Celery prefers this variable to the settings: an exported one would send the tests'
# messages to another broker.
os.environ.pop("CELERY_BROKER_URL", None)
os.environ.setdefault("SECRET_KEY", "test-only-frontdesk-key-not-for-production-0123456789")

from frontdesk.settings import *  # noqa: E402,F403

# Hashing demo passwords with PBKDF2's full work factor would dominate the suite's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests speak plain HTTP to the test client and the live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "sessionid"
CSRF_COOKIE_NAME = "csrftoken"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# Tests use their own Redis database, so a development worker (`make run`) running on the
# same machine never takes a test's messages.
CELERY_BROKER_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

# Every test request comes from 127.0.0.1: public pages' limit per address
# (frontdesk.public) would make one test's requests refuse another's. The tests of the
# limit set their own.
PUBLIC_RATE_LIMIT = (10**9, 60)
