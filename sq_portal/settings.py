"""服務品質管考平台的設定：全部由環境變數讀入（django-environ）。

必要時請參考 `.env.example`。預設使用 `var/` 下的 SQLite，`DATABASE_URL` 指向 PostgreSQL 時改用 psycopg 3。
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("SQ_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, []),
)
# A `.env` beside manage.py (never committed; see .env.example) fills in what the environment leaves unset.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")


PLACEHOLDER_SECRET_KEYS = {"change-me-to-a-long-random-string"}  # the value .env.example shows


def strong_secret_key(key: str) -> bool:
    """Not a placeholder, and what Django's security.W009 asks of a key: at least 50 characters, at least 5
    different ones, not Django's generated django-insecure- development key."""
    return (
        key not in PLACEHOLDER_SECRET_KEYS
        and len(key) >= 50
        and len(set(key)) >= 5
        and not key.startswith("django-insecure-")
    )


def _secret_key() -> str:
    """SECRET_KEY 由環境提供；僅在 DEBUG 下才使用（並於首次產生）var/ 裡的本機金鑰。"""
    key = env.str("SECRET_KEY", default="")
    if key and not DEBUG and not strong_secret_key(key):
        raise ImproperlyConfigured(
            "SECRET_KEY 不夠安全（例如沿用 .env.example 的範例值、少於 50 個字元、少於 5 種字元，或以 django-insecure- 開頭），"
            "正式環境（DEBUG 關閉）拒絕啟動。請以 python3 -c \"import secrets; print(secrets.token_urlsafe(50))\" "
            "產生一組新的金鑰，設為環境變數 SECRET_KEY。"
        )
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "未設定 SECRET_KEY：正式環境（DEBUG 關閉）必須以環境變數 SECRET_KEY 提供金鑰，"
            "系統拒絕以已知或預設金鑰啟動。開發時請以 DEBUG=1 執行（make run 會自動設定）。"
        )
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env("ALLOWED_HOSTS") or (["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "import_export",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "sq_portal",
    "diagnosis",
    "measures",
    "assessments",
    "perf",  # benchmark, scale data and load-test commands; nothing else imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sq_portal.request_limits.RequestBodyLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sq_portal.session_renewal.SessionCookieCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sq_portal.session_renewal.SessionRenewalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "sq_portal.urls"

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
                "assessments.context.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "sq_portal.wsgi.application"
ASGI_APPLICATION = "sq_portal.asgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests at once (runserver threads, browser tests) must wait for the write lock,
    # not fail with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # PostgreSQL's default random_page_cost (4) prices an index lookup as a read from a spinning disk, so for
    # one plan's 75 measures it hashed every focus point of every plan (2 ms) instead of looking 75 up
    # (0.2 ms). 1.1 is the usual figure for SSDs and a database held in memory; PG_RANDOM_PAGE_COST sets
    # another, and 0 leaves the server's own.
    page_cost = env.float("PG_RANDOM_PAGE_COST", default=1.1)
    if page_cost:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c random_page_cost={page_cost:g}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文")]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise looks here even while it serves from finders
EVIDENCE_ROOT = VAR_DIR / "evidence"
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=10_000)
# A progress report keeps at most this many evidence files, adding up to at most this many bytes.
EVIDENCE_PER_REPORT_MAX_FILES = env.int("EVIDENCE_PER_REPORT_MAX_FILES", default=10)
EVIDENCE_PER_REPORT_MAX_BYTES = env.int("EVIDENCE_PER_REPORT_MAX_BYTES", default=30 * 1024 * 1024)
# A request body larger than the largest legitimate upload (a report's evidence, or an import) and 1 MB of form
# fields is answered 413 before anything reads it (sq_portal/request_limits.py). The reverse proxy's limit
# (nginx client_max_body_size) should match: README, 正式環境.
REQUEST_MAX_BYTES = env.int(
    "REQUEST_MAX_BYTES", default=max(EVIDENCE_PER_REPORT_MAX_BYTES, IMPORT_MAX_BYTES) + 1024 * 1024
)
# Uploads beyond this are refused before Django reads them into memory or a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields; files are streamed to disk past FILE_UPLOAD_MAX_MEMORY_SIZE
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Background jobs (the evidence binder): django-tasks with its database backend, on SQLite and PostgreSQL alike;
# `python manage.py db_worker` runs them (README, 背景作業). Several workers on several machines may share one PostgreSQL.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# The binder PDF's font (a Traditional Chinese OpenType/TrueType font); by default the Noto Sans CJK TC subset in
# assessments/fonts (docs/development.md says how it was made). LibreOffice converts Office/ODF evidence to PDF.
BINDER_FONT = env.str("BINDER_FONT", default=str(BASE_DIR / "assessments" / "fonts" / "NotoSansCJKtc-Regular-Big5.otf"))
BINDER_SOFFICE = env.str("BINDER_SOFFICE", default="soffice")
BINDER_CONVERT_TIMEOUT = env.int("BINDER_CONVERT_TIMEOUT", default=120)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Evidence has no URL: it is served only by the view that checks access.
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": EVIDENCE_ROOT, "base_url": None, "file_permissions_mode": 0o640},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: five wrong passwords in a row lock the account for 15 minutes; a success resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# By account, as the plan asks: a whole police station shares one NAT address, so locking by IP would lock
# every officer there out because of one person's typing.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failed sign-in is kept, beside the successful ones (AccessLog)
# And by address, at a higher threshold (sq_portal/auth_forms.py): failures from one address within the cool-off
# time, whatever the accounts. A station of 50 officers behind one address stays far below it by honest typing;
# someone trying many accounts from one address does not.
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Production hardening that does not get in the way of `make run` (DEBUG=1 over plain HTTP).
# Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1 so Django trusts X-Forwarded-Proto.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# A session ends after 30 idle minutes and when the browser closes: a request renews it, writing it at most
# once a minute (sq_portal/session_renewal.py), so it ends 29–30 minutes after the last request. Django also
# ends a user's other sessions when their password changes (the session holds a hash of it).
SESSION_COOKIE_AGE = 30 * 60
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp): everything from this origin, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False

# E-mail (deadline reminders): EMAIL_URL such as smtp+tls://user:password@mail.example.gov.tw:587;
# by default messages are printed to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="服務品質管考平台 <sq-portal@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Failed sign-ins are recorded by django-axes in the database; its routine INFO lines are noise.
    "loggers": {"axes": {"level": "WARNING"}},
}
