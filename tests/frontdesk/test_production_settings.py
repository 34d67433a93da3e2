"""Production settings, checked in a fresh interpreter with production environment values."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "frontdesk.settings",
    "SECRET_KEY": "k3x!9v$2pQ7#wZ4m@8nR1tY6uB0cE5hJ-production-like-value-for-deploy-check",
    "ALLOWED_HOSTS": "desk.example.com",
    "DEBUG": "",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, **PRODUCTION, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key():
    result = manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_the_development_key():
    result = manage("check", SECRET_KEY="development-only-frontdesk-key-do-not-use-in-production")
    assert result.returncode != 0


def test_it_starts_in_development_without_a_key():
    result = manage("check", SECRET_KEY="", DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_it_speaks_chinese_in_shanghai_time():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s;"
        "print(s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_TZ, s.SESSION_COOKIE_NAME)",
    )
    assert result.stdout.splitlines()[-1].split() == [
        "zh-hans",
        "Asia/Shanghai",
        "True",
        "__Host-sessionid",
    ]
