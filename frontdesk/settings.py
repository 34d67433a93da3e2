"""Settings, read from the environment (see the contract's table of variables).

Production is the default: DEBUG is off unless the environment says otherwise, and
without DEBUG the process refuses to start without a real SECRET_KEY.
"""

import os
from datetime import time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

# Keys that must never protect a production site: empty, Django's "insecure" prefix,
# and the development key that `make run` exports.
DEVELOPMENT_SECRET_KEY = "development-only-frontdesk-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure")
    or SECRET_KEY == DEVELOPMENT_SECRET_KEY
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )
if not SECRET_KEY:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
# Where staff and residents open links sent out of the browser (group messages, emails,
# QR codes printed outside a request): frontdesk.links.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")

INSTALLED_APPS = [
    "frontdesk.apps.FrontdeskConfig",
    "frontdesk.channels.apps.ChannelsConfig",
    "residents.apps.ResidentsConfig",
    "visitors.apps.VisitorsConfig",
    "complaints.apps.ComplaintsConfig",
    "notices.apps.NoticesConfig",
    "coordination.apps.CoordinationConfig",
    "admin_tasks.apps.AdminTasksConfig",
    "frontdesk.apps.DeskAdminConfig",  # django.contrib.admin with the desk's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "frontdesk.middleware.SessionLimitsMiddleware",
    "frontdesk.middleware.PrivatePagesMiddleware",
    "frontdesk.middleware.CurrentSiteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes asks: it turns a login refused for lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "frontdesk.urls"
WSGI_APPLICATION = "frontdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "frontdesk.context_processors.desk",
            ],
        },
    },
]

# Plain selects drawn in Python, every other widget through its template (frontdesk.widgets).
FORM_RENDERER = "frontdesk.widgets.Renderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontdesk"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL.")
# No JIT compilation: the desk's queries are short, and PostgreSQL compiles any it
# estimates above jit_above_cost, which added ~10 ms to an aggregate that runs in 30
# (a notice's reach at bench scale).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# No server-side cursors: Django draws every model <select> (a filter's departments and
# categories, a form's "referred to") through QuerySet.iterator(), which would open a
# cursor WITH HOLD for a dozen rows: three round trips and the rows materialised at
# commit, 2–4 ms a select at bench scale. Nothing of the desk streams a large result.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "frontdesk.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, its per-request read of the user written out.
    "frontdesk.hotpath.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk"
LOGOUT_REDIRECT_URL = "login"

# Desk PCs are shared between shifts: a session ends after 30 minutes without a request
# (the cookie age, renewed by SessionLimitsMiddleware) and in any case 12 hours after login.
SESSION_COOKIE_AGE = 30 * 60
SESSION_ABSOLUTE_AGE = 12 * 60 * 60
# Renewing on every request would write the session row on every page; once a minute is
# precise enough for a 30-minute idle limit.
SESSION_RENEW_INTERVAL = 60
# Django's database sessions, their per-request read written out (frontdesk.hotpath).
SESSION_ENGINE = "frontdesk.hotpath"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

# Pages must keep working while Redis is down, so nothing a request needs lives there:
# the cache is per process.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Celery -------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
# Tasks are idempotent by rule (see README), so a message is acknowledged only after its
# task finished and is redelivered if the worker dies half-way.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The schedule lives in the database; the lock makes a second beat wait instead of sending
# every task twice (frontdesk/beat.py).
CELERY_BEAT_SCHEDULER = "frontdesk.beat:LockedDatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues work must not hang while Redis is down: connect quickly, retry
# briefly, then give up; the periodic scans find the work in the database later.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    # A message taken by a worker that died unacknowledged goes back to the queue after
    # this many seconds (checked when a worker starts and on its periodic sweep). Tasks
    # must finish well within it; the reliability tests set a few seconds.
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", 60 * 60)),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# How often the worker's heartbeat runs (the beat schedule is kept in the database and
# editable in admin; this is only the value the data migration starts it with).
HEARTBEAT_INTERVAL_SECONDS = 60

# --- Channels (frontdesk/channels) ---------------------------------------------------
# Each channel is real where it is configured and the log channel where it is not: under
# `make run` (DEBUG) everything goes to the log unless a provider is set below; in
# production, robots post to WeCom, and SMS and email are sent only once configured
# (until then they are recorded as not sent, with the reason).
WECOM_ROBOT_URL = os.environ.get(
    "WECOM_ROBOT_URL", "" if DEBUG else "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"
)
# Tencent Cloud SMS (API 2021-01-11 SendSms); the endpoint and protocol are settable so a
# test or a demo can point it at a local server.
TENCENT_SMS_SECRET_ID = os.environ.get("TENCENT_SMS_SECRET_ID", "")
TENCENT_SMS_SECRET_KEY = os.environ.get("TENCENT_SMS_SECRET_KEY", "")
TENCENT_SMS_APP_ID = os.environ.get("TENCENT_SMS_APP_ID", "")
TENCENT_SMS_REGION = os.environ.get("TENCENT_SMS_REGION", "ap-guangzhou")
TENCENT_SMS_ENDPOINT = os.environ.get("TENCENT_SMS_ENDPOINT", "sms.tencentcloudapi.com")
TENCENT_SMS_PROTOCOL = os.environ.get("TENCENT_SMS_PROTOCOL", "https")
# Email over SMTP for staff (Django 6.1's MAILERS; without EMAIL_HOST no email is sent).
CHANNELS_EMAIL = bool(os.environ.get("EMAIL_HOST"))
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "use_ssl": env_bool("EMAIL_USE_SSL"),
            "timeout": 10,
        },
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "frontdesk@localhost")
# WeCom allows 20 messages a minute per robot. The window is a second longer than WeCom's
# so that a message that reaches WeCom a moment after it left never makes it 21. (Settable
# only so that tests with real workers can run a burst in seconds instead of minutes.)
CHANNELS_ROBOT_RATE = (
    int(os.environ.get("CHANNELS_ROBOT_LIMIT", "20")),
    float(os.environ.get("CHANNELS_ROBOT_WINDOW", "61")),
)
# A sender's claim on a batch; renewed as each row goes out, so it only has to outlast the
# slowest provider call (WeCom 5 s, SMTP 10 s). A dead sender's rows are free after it.
CHANNELS_LEASE_SECONDS = int(os.environ.get("CHANNELS_LEASE_SECONDS", "300"))
# Residents are messaged between these hours (site time) unless the message is urgent.
CHANNELS_QUIET_HOURS = (time(8, 0), time(21, 0))

# --- Login protection (django-axes) ------------------------------------------------
# Five wrong passwords in a row lock the account until a supervisor deletes its row under
# 登录尝试 in admin: no cool-off, as the desk's rules ask. A successful login before that
# clears the account's count.
#
# A desk PC is shared by the shift, so a lock by address at the same five would let one
# clerk's typos lock out the whole desk. The address has its own, higher limit instead
# (frontdesk.lockout.LoginAttemptHandler; axes itself knows only one limit): 20 failures
# within an hour from one address lock that address, which stops someone at a desk PC
# trying a few passwords on every colleague's account; that lock lifts an hour after the
# last failure, or when a supervisor deletes the address's rows.
#
# The address is REMOTE_ADDR, never a header a client could forge. Behind a reverse proxy
# that is the proxy's own address, shared by every desk: there the per-address limit
# would count the whole company's failures and could lock everyone out, so such a
# deployment sets LOGIN_IP_FAILURE_LIMIT=0 and keeps only the per-account lock.
#
# Attempts are kept in the database (not the cache, which is per process, nor Redis,
# which may be down), so every web process sees the same counts.
AXES_HANDLER = "frontdesk.lockout.LoginAttemptHandler"
AXES_FAILURE_LIMIT = 5
# Read by axes for its log lines and its check that addresses count; the two limits
# themselves are applied by LoginAttemptHandler.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = None
AXES_RESET_ON_SUCCESS = True
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "20"))
LOGIN_IP_FAILURE_WINDOW = 60 * 60  # seconds
# Every failure is logged (AccessFailureLog), besides every login and logout (AccessLog).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# A wrong current password on the password form counts as a failed login too
# (frontdesk.views.PasswordChangeView); what was typed there is never stored with it.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
]
AXES_HTTP_RESPONSE_CODE = 429
# Our own admin classes (frontdesk/admin.py) show these records, read-only and scoped.
AXES_ENABLE_ADMIN = False

# --- Security -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    # Production sits behind HTTPS; plain-HTTP requests are redirected by the proxy or here.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix pins the cookie to this host over HTTPS (no Domain, Path=/).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # axes announces itself at INFO on every start, management commands included.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Labels that appear in the UI but are defined here, so the catalogue picks them up.
SITE_TITLE = _("Property front desk")
