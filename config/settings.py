"""Settings for Partnership Lens, read top to bottom.

Every setting comes from the environment, with embedded defaults that need nothing installed:
a SQLite file, Celery tasks run eagerly in-process, e-mail written to the console. Setting
DATABASE_URL, CELERY_BROKER_URL and the production variables turns the same module into a
deployment. Helpers refuse malformed values loudly instead of guessing.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import os
import secrets
import stat
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("DJANGO_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# Booleans, whole numbers and the one float go through these instead of env.bool/int/float.
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def envbool(name: str, default: bool) -> bool:
    """A yes/no variable: 1/0, true/false, yes/no, on/off, in any case; anything else stops.

    django-environ reads an unknown word (DJANGO_HTTPS=ture) as False, silently.
    """
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use 1/0, true/false, yes/no or on/off."
    )


def envint(name: str, default: int) -> int:
    """A whole-number variable; anything that is not one stops start-up."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def envfloat(name: str, default: float) -> float:
    """A (finite) number variable; anything that is not one stops start-up."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ImproperlyConfigured(f"{name}={value!r} is not a number.")
    return number


def envdate(name: str, default: datetime.date) -> datetime.date:
    """A date variable written YYYY-MM-DD; anything else stops start-up."""
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a date written YYYY-MM-DD.") from None


def _owned(path: Path) -> bool:
    return path.stat().st_uid == os.geteuid()


def _set_mode(path: Path, mode: int) -> None:
    # chmod, not the creation mode alone: the umask may have taken bits off (or a file that was
    # already there may be open to others); a path someone else owns is left as it is.
    if stat.S_IMODE(path.stat().st_mode) != mode and _owned(path):
        path.chmod(mode)


def _private_dir(path: Path) -> None:
    """The directory, created if need be, readable by this user only (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _set_mode(path, 0o700)


def _private_file(path: Path) -> None:
    """The file, created empty if it is not there yet (never readable by others, not even for
    a moment), readable by this user only (0600)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    _set_mode(path, 0o600)


# The SQLite file, the generated key and the beat schedule: nobody else on the machine reads them.
_private_dir(VAR_DIR)


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one generated once and kept in VAR_DIR.

    Never a literal in the repository; the file keeps sessions valid across restarts and
    between the processes of one machine (gunicorn workers, the Celery worker).
    """
    value = env.str("SECRET_KEY", default="")
    if value:
        if len(value) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")
        return value
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


# --- Core -----------------------------------------------------------------------------------
DEBUG = envbool("DJANGO_DEBUG", default=False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "rest_framework.authtoken",
    "core",
    "partnerships",
    "surveys",
    "reports",
]

MIDDLEWARE = [
    # /healthz and /readyz for the load balancer, before the host check and HTTPS redirect.
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.languages.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# No DATABASE_URL: a SQLite file under VAR_DIR. postgres://... switches to PostgreSQL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = envint("DATABASE_CONN_MAX_AGE", default=0)
# A kept connection is checked before each request reuses it, so one that a database restart
# broke is replaced instead of failing the request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails the request after this many seconds instead of hanging it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", default=5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_name = str(DATABASES["default"]["NAME"])
    if _sqlite_name and _sqlite_name != ":memory:" and not _sqlite_name.startswith("file:"):
        # Created here with 0600 before SQLite would create it 0644; its -wal and -shm files
        # take the database file's mode.
        _private_file(Path(_sqlite_name))
    # WAL and a busy timeout let the dev server and an eager task write without "locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # The test database is a file too, not Django's shared-cache memory database: there a
    # second connection meets "database table is locked" at once, ignoring the busy timeout,
    # so tests of two requests at once would test SQLite's cache instead of the product.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Per-process memory by default; set CACHE_URL=redis://127.0.0.1:6379/1 so that the limits
# below are shared by every gunicorn worker.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Reverse proxies in front of the app, each appending to X-Forwarded-For: the per-address limits
# below and the sign-in lockout key on the address the outermost one saw (core.client_address).
# 0: no proxy, the header is ignored and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# Invitation links: this many unknown links from one address within the window get a 429.
LINK_GUESS_LIMIT = envint("LINK_GUESS_LIMIT", default=20)
LINK_GUESS_WINDOW_SECONDS = envint("LINK_GUESS_WINDOW_SECONDS", default=900)
# Rendered dashboard sections are cached under a digest of what they show (reports.fragments):
# they never go stale, this only bounds how long an unread one takes memory.
FRAGMENT_CACHE_SECONDS = envint("FRAGMENT_CACHE_SECONDS", default=3600)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "partnerships.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while locked out
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout: 5 failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = envfloat("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the client's, behind the proxies too (TRUSTED_PROXY_COUNT), not the proxy's.
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password"]
# --- Staff sign-in with the council's identity provider (OpenID Connect) ---------------------
# Set all three to offer "Sign in with your council account" on the sign-in page (officers and
# managers only: partners keep their e-mailed links). Endpoints and keys come from the issuer's
# /.well-known/openid-configuration, fetched when first needed and cached, never at start-up.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_ENABLED = bool(OIDC_ISSUER)
if OIDC_ENABLED and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too.")
_issuer = urlsplit(OIDC_ISSUER)
if OIDC_ENABLED and not (
    _issuer.scheme == "https" or _issuer.hostname in ("127.0.0.1", "localhost")
):
    # Plain http only for a provider on this machine (the tests').
    raise ImproperlyConfigured("OIDC_ISSUER must be an https:// address.")
# The name on the button ("Sign in with your Northshire Council account"); empty: "council".
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")
# Claims any one of which, when true, proves the e-mail address is verified: the standard
# email_verified, and Microsoft Entra ID's xms_edov (add it as an optional claim).
OIDC_EMAIL_VERIFIED_CLAIMS = env.list(
    "OIDC_EMAIL_VERIFIED_CLAIMS", default=["email_verified", "xms_edov"]
)
OIDC_DISCOVERY_CACHE_SECONDS = envint("OIDC_DISCOVERY_CACHE_SECONDS", default=3600)
# Seconds to wait for the identity provider (discovery, keys, token, userinfo).
OIDC_TIMEOUT = envint("OIDC_TIMEOUT", default=5)
# 0 with OIDC configured: the password form is gone and password sign-in refused.
PASSWORD_SIGN_IN = envbool("PASSWORD_SIGN_IN", default=True)
if not PASSWORD_SIGN_IN and not OIDC_ENABLED:
    raise ImproperlyConfigured("PASSWORD_SIGN_IN=0 needs OIDC_ISSUER: nobody could sign in.")
# mozilla-django-oidc's own names for what its views read.
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
# The session knows the backend a person signed in with; it only ever answers get_user().
AUTHENTICATION_BACKENDS += ["partnerships.oidc.StaffOIDCBackend"]
# --- end of staff sign-in settings ----------------------------------------------------------

# No log of successful sign-ins (address and browser of every sign-in, kept for ever): nothing
# reads it, and the privacy notice promises only failed attempts, kept until the cool-off ends.
AXES_DISABLE_ACCESS_LOG = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# An account invitation's set-password link works this many hours after it was (re)sent.
ACCOUNT_INVITATION_HOURS = envint("ACCOUNT_INVITATION_HOURS", default=72)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# Every language the product is written in; LANGUAGES_OFFERED picks those this deployment offers
# (English always, it is the default). Only offered languages are ever chosen from a browser's
# Accept-Language or a cookie, so a page never announces a language it is not written in.
ALL_LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LANGUAGES_OFFERED = env.list("LANGUAGES_OFFERED", default=["en-gb", "cy"])
_unknown_languages = set(LANGUAGES_OFFERED) - {code for code, _name in ALL_LANGUAGES}
if _unknown_languages or LANGUAGE_CODE not in LANGUAGES_OFFERED:
    raise ImproperlyConfigured(
        f"LANGUAGES_OFFERED={','.join(LANGUAGES_OFFERED)!r}: list en-gb and, optionally, cy."
    )
LANGUAGES = [(code, name) for code, name in ALL_LANGUAGES if code in LANGUAGES_OFFERED]
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
# locale/: the product's own messages (makemessages writes there). locale_vendor/: Welsh for the
# libraries' messages that come without it (DRF's API errors, some of Django's); lower priority.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files: served by the app itself (WhiteNoise), never from a CDN ------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
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
# Tests and a fresh checkout have no collected manifest: let WhiteNoise fall back to finders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MANIFEST_STRICT = False

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
AGENCY_IMPORT_MAX_BYTES = envint("AGENCY_IMPORT_MAX_BYTES", default=200_000)
AGENCY_IMPORT_MAX_ROWS = envint("AGENCY_IMPORT_MAX_ROWS", default=500)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "core.api.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# --- E-mail ---------------------------------------------------------------------------------
# No EMAIL_URL: messages are written to the console. smtp://user:pass@host:587 sends them.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Partnership Lens <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Which channel carries e-mail: "django" (EMAIL_URL above: the console or SMTP) or "notify"
# (GOV.UK Notify, from our own Celery tasks with the official client; core/notify.py).
EMAIL_CHANNEL = env.str("EMAIL_CHANNEL", default="django")
if EMAIL_CHANNEL not in ("django", "notify"):
    raise ImproperlyConfigured(f"EMAIL_CHANNEL={EMAIL_CHANNEL!r}: use django or notify.")
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
# One Notify template per kind of e-mail (README lists the personalisation fields of each).
NOTIFY_TEMPLATES = {
    "invitation": env.str("NOTIFY_TEMPLATE_INVITATION", default=""),
    "reminder": env.str("NOTIFY_TEMPLATE_REMINDER", default=""),
    "team_invitation": env.str("NOTIFY_TEMPLATE_TEAM_INVITATION", default=""),
    "password_reset": env.str("NOTIFY_TEMPLATE_PASSWORD_RESET", default=""),
}
# The bearer token Notify sends with its delivery-status callbacks (set the same in Notify).
NOTIFY_CALLBACK_TOKEN = env.str("NOTIFY_CALLBACK_TOKEN", default="")
if EMAIL_CHANNEL == "notify":
    _missing = [name for name, value in NOTIFY_TEMPLATES.items() if not value]
    if len(NOTIFY_API_KEY) < 74 or _missing:
        raise ImproperlyConfigured(
            "EMAIL_CHANNEL=notify needs NOTIFY_API_KEY (the whole key Notify gave) and "
            "NOTIFY_TEMPLATE_<KIND> for every kind"
            + (f"; missing: {', '.join(_missing)}" if _missing else "")
        )

# --- Celery ---------------------------------------------------------------------------------
# No broker: tasks run eagerly in the calling process, so the app works with nothing running.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if CELERY_BROKER_URL:
    _default_backend = "rpc://" if CELERY_BROKER_URL.startswith("amqp") else CELERY_BROKER_URL
else:
    CELERY_BROKER_URL = "memory://"
    _default_backend = "cache+memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_default_backend)
CELERY_TASK_ALWAYS_EAGER = envbool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL == "memory://"
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# No task stores a result: nothing reads them (scorecards, alpha and export progress are rows in
# the database). With a result store, queueing a task first subscribes to its result on Redis;
# with Redis down that retried for some 20 s inside a partner's submit or an officer's "send",
# where publishing alone fails in well under a second.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis: a task a worker took but never acknowledged (the worker was killed) goes back to the
# queue this many seconds after it was taken. It must stay well above the longest countdown
# (retry back-offs reach 600 s) and task time limit (660 s), or a task still waiting for its
# countdown, or still running, would be handed to a second worker as well.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
# Queues by kind of work, so that a ten-minute PDF pack never delays an invitation e-mail: a
# worker started without -Q takes all three (make worker); in production run one per queue
# (README). Every task is routed by name (tests/config/test_task_routes.py checks each one is);
# anything else Celery itself sends goes to the default queue, scoring.
CELERY_TASK_QUEUES = [Queue("mail"), Queue("scoring"), Queue("exports")]
CELERY_TASK_DEFAULT_QUEUE = "scoring"
CELERY_TASK_ROUTES = {
    "core.tasks.send_email": {"queue": "mail"},
    "surveys.tasks.send_due_reminders": {"queue": "mail"},
    "surveys.tasks.send_invitation_email": {"queue": "mail"},
    "surveys.tasks.poll_notify_deliveries": {"queue": "mail"},
    "reports.tasks.score_round_task": {"queue": "scoring"},
    "reports.tasks.score_stale_rounds": {"queue": "scoring"},
    "reports.tasks.refresh_reliability_task": {"queue": "scoring"},
    "surveys.tasks.purge_expired_responses": {"queue": "scoring"},
    "reports.tasks.build_export_task": {"queue": "exports"},
    "reports.tasks.purge_expired_exports": {"queue": "exports"},
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Run `celery -A config beat` (or a worker with -B) for the scheduled jobs below.
CELERY_BEAT_SCHEDULE = {
    "send-due-reminders": {
        "task": "surveys.tasks.send_due_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "purge-expired-responses": {
        "task": "surveys.tasks.purge_expired_responses",
        "schedule": crontab(hour=2, minute=30),
    },
    "purge-expired-exports": {
        "task": "reports.tasks.purge_expired_exports",
        "schedule": crontab(minute=15),
    },
    # GOV.UK Notify: delivery receipts for e-mails whose callback never came, after a day.
    "poll-notify-deliveries": {
        "task": "surveys.tasks.poll_notify_deliveries",
        "schedule": crontab(minute=40),
    },
    # Catches up scoring that could not be queued (broker down) or whose task was lost.
    "score-stale-rounds": {"task": "reports.tasks.score_stale_rounds", "schedule": 300.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Our LOGGING (with the token filter) stays in charge inside worker processes too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
REMINDER_DAYS_BEFORE_CLOSE = envint("REMINDER_DAYS_BEFORE_CLOSE", default=3)
# Responses (and invitations) of rounds closed longer ago than this are purged.
RESPONSE_RETENTION_DAYS = envint("RESPONSE_RETENTION_DAYS", default=730)
# Authority PDF packs can be downloaded for this many days after they were asked for, then
# they are deleted (beat, below).
EXPORT_RETENTION_DAYS = envint("EXPORT_RETENTION_DAYS", default=7)

# --- Health ---------------------------------------------------------------------------------
# /readyz: seconds the database, cache and broker each have to answer (asked at once).
READINESS_TIMEOUT_SECONDS = envfloat("READINESS_TIMEOUT_SECONDS", default=2.0)
if READINESS_TIMEOUT_SECONDS <= 0:
    raise ImproperlyConfigured("READINESS_TIMEOUT_SECONDS must be more than 0.")

# --- The statutory pages (accessibility statement, privacy notice, cookies) ------------------
# Who runs the service, for visitors who have no authority of their own: anyone not signed in
# and without an invitation link. Signed-in people and partners holding a link see their own
# authority's record (its name and the contact details officers keep on the Settings page).
SERVICE_OWNER_NAME = env.str("SERVICE_OWNER_NAME", default="")
SERVICE_OWNER_EMAIL = env.str("SERVICE_OWNER_EMAIL", default="")
SERVICE_OWNER_PHONE = env.str("SERVICE_OWNER_PHONE", default="")
SERVICE_OWNER_ADDRESS = env.str("SERVICE_OWNER_ADDRESS", default="")
SERVICE_OWNER_DPO_EMAIL = env.str("SERVICE_OWNER_DPO_EMAIL", default="")
# When the service was last tested for accessibility, and when the statement is next reviewed.
ACCESSIBILITY_TESTED_ON = envdate("ACCESSIBILITY_TESTED_ON", default=datetime.date(2026, 12, 2))
ACCESSIBILITY_REVIEW_ON = envdate("ACCESSIBILITY_REVIEW_ON", default=datetime.date(2027, 12, 2))
if ACCESSIBILITY_REVIEW_ON < ACCESSIBILITY_TESTED_ON:
    raise ImproperlyConfigured(
        "ACCESSIBILITY_REVIEW_ON must not be before ACCESSIBILITY_TESTED_ON."
    )

# --- Scoring --------------------------------------------------------------------------------
# Submissions within this many seconds share one recomputation of their round's scorecard.
SCORING_DELAY_SECONDS = envint("SCORING_DELAY_SECONDS", default=10)
RELIABILITY_DELAY_SECONDS = envint("RELIABILITY_DELAY_SECONDS", default=60)

# --- Security -------------------------------------------------------------------------------
# HTTPS defaults on whenever DEBUG is off; set DJANGO_HTTPS=0 only behind plain-HTTP load tests.
HTTPS = envbool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if envbool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Never a Referer to another site. ("no-referrer" would make browsers send "Origin: null"
# on our own form posts, which Django's CSRF check rightly refuses.)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# Django's database sessions, read with one prepared statement (core.sessions).
SESSION_ENGINE = "core.sessions"
# Which invitation a respondent's browser answers (surveys.respondent_cookie): signed, HttpOnly,
# as old as a session at most.
RESPONDENT_COOKIE_NAME = "respondent"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

# A strict Content-Security-Policy: every script and style comes from the app's own static
# files; no inline script or style anywhere. data: images are Bootstrap's form-control icons.
# The admin and the Swagger page (third-party templates with inline script) are left out.
SELF, NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/docs/"],
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

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "config.logging_filters.RedactInvitationTokens"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request paths may hold an invitation token: every logger goes through the filter.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- API schema (drf-spectacular) ---
# The OpenAPI 3 schema at /api/schema/ and Swagger UI at /api/docs/; the UI's assets come from
# drf-spectacular-sidecar (served as static files), so the docs work offline.
INSTALLED_APPS += ["drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "drf_spectacular.openapi.AutoSchema"
SPECTACULAR_SETTINGS = {
    "TITLE": "Partnership Lens API",
    "DESCRIPTION": "Registry, survey rounds, paper responses and scorecards.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the languages a person, a contact, an invitation or a response may record.
    "ENUM_NAME_OVERRIDES": {"LanguageEnum": "core.languages.LANGUAGE_CHOICES"},
}
