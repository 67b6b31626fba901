"""Test settings: the production settings with HTTPS off and a fast password hasher."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-that-is-long-enough-for-tests-only-0123456789")
os.environ.setdefault("DJANGO_HTTPS", "false")

from basecurity.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Saving a record in tests does not mark its figures for recomputation (dashboards/signals.py);
# dashboards/tests/test_outbox.py turns it on where it is tested.
DASHBOARDS_RECOMPUTE_ON_SAVE = False
# Test data is dated in past years: the automatic lock (communes/locks.py) is off here and
# reports/tests turn it on where it is tested.
REPORT_AUTO_LOCK_DAYS = None
# Uploaded files (criteria evidence) go to a throw-away folder, never into the project's media/.
MEDIA_ROOT = os.path.join(__import__("tempfile").gettempdir(), f"basecurity-test-media-{os.getpid()}")
# Uploaded import files likewise (a worker started by a test is given the test's folder).
STORAGES["imports"]["OPTIONS"]["location"] = os.environ.get("IMPORT_FILES_ROOT") or os.path.join(  # type: ignore[index]  # noqa: F405
    __import__("tempfile").gettempdir(), f"basecurity-test-imports-{os.getpid()}"
)
# A record kind that exists only in the tests: one model and one declaration (communes/record_kinds.py).
INSTALLED_APPS = [*INSTALLED_APPS, "basecurity.testing.drugcases"]  # noqa: F405
ROOT_URLCONF = "basecurity.testing.urls"
