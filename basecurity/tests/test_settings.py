"""Settings: deploy checks under production variables, language, time, dates, CSP, HSTS, Celery."""

import json
import os
import secrets
import string
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

BASE_DIR = Path(__file__).resolve().parents[2]


def production_env(**extra) -> dict[str, str]:
    """The environment of a production server: none of the test runner's DJANGO_/CELERY_ values."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "DATABASE_"))}
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        DJANGO_ALLOWED_HOSTS="example.gov.vn",
        DJANGO_SETTINGS_MODULE="basecurity.settings",
    )
    env.update(extra)
    return env


def run_python(code: str, **extra_env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=production_env(**extra_env),
        capture_output=True,
        text=True,
        timeout=120,
    )


PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="example.gov.vn")
secure = client.get("/", secure=True)
plain = client.get("/")
print(json.dumps({
    "names": {name: getattr(settings, name) for name in [
        "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "CELERY_TASK_ALWAYS_EAGER",
    ]},
    "hsts_header": secure.headers.get("Strict-Transport-Security"),
    "plain_status": plain.status_code,
    "plain_location": plain.headers.get("Location"),
}))
"""


def test_deploy_check_passes_with_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output and "System check identified no issues" in output, output


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("import django; django.setup()", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_hsts_and_https_under_production_variables():
    result = run_python(PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    names = printed["names"]
    assert names["DEBUG"] is False
    assert names["SECURE_HSTS_SECONDS"] >= 31536000
    assert names["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and names["SECURE_HSTS_PRELOAD"]
    assert names["SECURE_SSL_REDIRECT"] and names["SESSION_COOKIE_SECURE"] and names["CSRF_COOKIE_SECURE"]
    assert printed["hsts_header"] == "max-age=31536000; includeSubDomains; preload"
    assert printed["plain_status"] == 301 and printed["plain_location"].startswith("https://example.gov.vn/")


@pytest.mark.parametrize(("broker", "eager"), [(None, True), ("redis://127.0.0.1:6379/0", False)])
def test_celery_runs_tasks_in_process_without_a_broker(broker, eager):
    extra = {"CELERY_BROKER_URL": broker} if broker else {}
    result = run_python(PRINT_SETTINGS, **extra)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["names"]["CELERY_TASK_ALWAYS_EAGER"] is eager


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.USE_TZ


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_read_day_month_year_in_both_languages(language):
    day = date(2022, 1, 18)  # the article's date
    with translation.override(language):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "18/01/2022"
        assert formats.date_format(day, "DATE_FORMAT") == "18/01/2022"
        assert Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": day})) == "18/01/2022"
        assert "%d/%m/%Y" == formats.get_format("DATE_INPUT_FORMATS")[0]


def test_csp_header_forbids_inline_code(client, db):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
