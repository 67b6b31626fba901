"""Settings for basecurity, read from the environment (12-factor, django-environ).

Every value has an embedded default so that `make run` works on a fresh machine: SQLite in the
project folder and Celery tasks run in-process. Production sets the variables listed in README.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# HTTPS-only cookies, HSTS and the redirect follow DEBUG unless set explicitly (e.g. a test server).
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-" + "x" * 20

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "simple_history",
    "basecurity.apps.AxesConfig",  # axes, named in the user's language
    "csp",
    "basecurity",
    "communes",
    "incidents",
    "reintegration",
    "dashboards",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "basecurity.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "basecurity.middleware.SessionLifetimeMiddleware",
    "basecurity.middleware.PrivatePagesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must come last: it turns a lockout signalled by the backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "basecurity.urls"
WSGI_APPLICATION = "basecurity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "basecurity.context_processors.navigation",
            ],
        },
    },
]

# SQLite by default (a file in the project); busy timeout so a Celery eager task and a request
# writing at the same time wait for each other instead of failing with "database is locked".
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # An unreachable database fails a request (503 page) and /readyz in seconds, not minutes.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Authentication, sessions, lockout -------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 30 minutes idle, 12 hours in all (basecurity.middleware.SessionLifetimeMiddleware): a request
# renews the session when its last renewal is a minute old, not on every request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_AFTER = 60
SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
# A user name is locked after AXES_FAILURE_LIMIT failures from any addresses (a spread-out guess
# at one account), and an address after AXES_FAILURE_LIMIT failures on any user names (one
# machine trying many accounts); either lock covers the pair (user name, address) too.
# `manage.py axes_reset_username NAME` lifts a lock before AXES_COOLOFF_TIME.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# The client address is REMOTE_ADDR unless the deployment says how many trusted proxies it has:
# a forged X-Forwarded-For header must not give an attacker a fresh address per try.
# (django-ipware is not installed, so axes' AXES_IPWARE_* settings would be ignored.)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "basecurity.client_ip.client_ip_address"

# --- Security headers (python manage.py check --deploy) ---------------------------------------
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Strict CSP: every script and stylesheet is served from static/ (no CDN, no inline code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Language, time, formats -----------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy in both languages (officials read dates this way whatever the UI language).
FORMAT_MODULE_PATH = ["basecurity.formats"]

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
# Imports (communes/jobs.py, docs/import-formats.md): the one size limit of an imported file, and
# where uploaded files wait for their jobs: outside MEDIA_ROOT, never served; the web and the
# worker processes must both reach it (the same disk or volume). A file is removed when its job
# finishes; one awaiting confirmation longer than IMPORT_CONFIRM_HOURS is removed by the hourly
# `communes.purge_import_files`, which also fails jobs stuck longer than IMPORT_JOB_TIME_LIMIT.
IMPORT_MAX_MB = env.int("IMPORT_MAX_MB", default=50)
IMPORT_FILES_ROOT = env.path("IMPORT_FILES_ROOT", default=BASE_DIR / "var" / "imports")
IMPORT_CONFIRM_HOURS = env.int("IMPORT_CONFIRM_HOURS", default=24)
STORAGES["imports"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(IMPORT_FILES_ROOT), "base_url": "/not-served/"},  # type: ignore[dict-item]
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery ----------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured: tasks run in-process, at once (the embedded default).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
CELERY_TASK_TIME_LIMIT = 12 * 60
# Our tasks are idempotent (they replace unique snapshot rows), so a task lost with its worker is
# simply run again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged task to another worker after the visibility timeout: longer than
# the longest task (its hard time limit) plus a margin, and than any retry countdown (5 min max),
# so a task is not handed out twice while it runs, yet a task held by a worker killed with -9
# comes back within minutes (docs/operations.md).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 5 * 60)
# Publishing never blocks a request for long: connect and socket timeouts of 1 s, at most one
# quick retry (the recomputation outbox keeps what could not be sent; dashboards/outbox.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "max_retries": 1,
}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# The result backend (used by the chord of a fan-out only; other tasks ignore their results).
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_REDIS_RETRY_ON_TIMEOUT = False
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
}
CELERY_RESULT_EXPIRES = timedelta(days=1)
# One beat: a second beat process holds back while another holds the lock (basecurity/beat.py).
CELERY_BEAT_SCHEDULER = "basecurity.beat:SingleBeatScheduler"
BEAT_LOCK_URL = env.str("BEAT_LOCK_URL", default="")  # default: the broker's Redis
BEAT_LOCK_TTL = env.int("BEAT_LOCK_TTL", default=60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Domain settings -------------------------------------------------------------------------
# Start (day, month) of a reporting year in the previous calendar year: Nghị định 09/2019/NĐ-CP
# art. 12 closes figures on the 14th, so the default year runs 15/12 to 14/12. "1/1" gives
# calendar years.
REPORTING_YEAR_START = tuple(int(part) for part in env.str("REPORTING_YEAR_START", default="15/12").split("/"))
# Days 29-31 are refused: every reporting month must start on the same day (basecurity/lib/periods.py).
if len(REPORTING_YEAR_START) != 2 or not (1 <= REPORTING_YEAR_START[0] <= 28 and 1 <= REPORTING_YEAR_START[1] <= 12):
    raise ImproperlyConfigured("REPORTING_YEAR_START must be DAY/MONTH with a day from 1 to 28, e.g. 15/12 or 1/1.")

# Targets (docs/targets.md): a reduction is "significant" when |z| >= this; a record
# saved marks its (unit, year) dirty in the recomputation outbox (dashboards/outbox.py), drained
# by beat every few minutes (at once after each commit when tasks run in-process, without a
# broker); a recomputation of more communes than DASHBOARDS_FAN_OUT_COMMUNES is split into one
# task per district.
TARGETS_SIGNIFICANCE_Z = env.float("TARGETS_SIGNIFICANCE_Z", default=3.0)
DASHBOARDS_RECOMPUTE_ON_SAVE = env.bool("DASHBOARDS_RECOMPUTE_ON_SAVE", default=True)
DASHBOARDS_FAN_OUT_COMMUNES = env.int("DASHBOARDS_FAN_OUT_COMMUNES", default=100)
# A run queued or started longer than this is shown as failed (the task's hard time limit plus the
# time a killed worker's task takes to come back); a claimed outbox row whose recomputation has
# not finished after this long is claimed again by the next drain.
DASHBOARDS_RUN_TIME_LIMIT = env.int(
    "DASHBOARDS_RUN_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT + CELERY_VISIBILITY_TIMEOUT
)
# An import job queued, checking or writing longer than this is shown as failed (may be retried).
IMPORT_JOB_TIME_LIMIT = env.int("IMPORT_JOB_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT + CELERY_VISIBILITY_TIMEOUT)
# Periodic reports (reports app, communes/locks.py): a report is due this many days after its period
# ends; records of a reporting month lock by themselves this many days after the month ends (-1: never).
REPORT_DUE_DAYS = env.int("REPORT_DUE_DAYS", default=5)
REPORT_AUTO_LOCK_DAYS = env.int("REPORT_AUTO_LOCK_DAYS", default=30)
# One-time tokens of create forms (communes/submissions.py) older than this are deleted every night:
# a form is resent within minutes (a retry, a double click), and a session lasts 12 hours at most.
SUBMISSION_TOKEN_DAYS = env.int("SUBMISSION_TOKEN_DAYS", default=7)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
