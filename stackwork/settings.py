"""Stackwork settings: one module, configured by the environment."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no setting; a value that is neither (a typo) stops the start."""
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes/no value: use one of "
        f"{', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}."
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cases",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_filters",
    "simple_history",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cases.middleware.DutchFirstLocaleMiddleware",
    # NUL in an address is a 400; a lost deadlock a 409 "try again"
    "cases.request_guards.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "cases.middleware.IdleSessionMiddleware",  # activity, not polling, keeps a session
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last: it turns a locked-out login into its lockout answer
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stackwork.urls"
WSGI_APPLICATION = "stackwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cases.context_processors.roles",
                "cases.context_processors.notifications",
            ],
        },
    },
]

# SQLite file by default; DATABASE_URL=postgres://… switches to PostgreSQL with
# psycopg 3's connection pool (which requires CONN_MAX_AGE = 0).
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The pool checks a connection before handing it out, so the app recovers
    # by itself after the database restarts.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(env("DB_POOL_MIN_SIZE", "1")),
        "max_size": int(env("DB_POOL_MAX_SIZE", "8")),
        "timeout": int(env("DB_POOL_TIMEOUT", "10")),
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "cases.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # Counts failed logins (form and API token) and refuses a locked-out client.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cases.errors.locked_out"
# The client's address for the login lockout (axes, through django-ipware)
# and the API throttle (DRF's NUM_PROXIES) comes from one number: the proxies
# (load balancers) in front of the app, each appending the address it was
# reached from to X-Forwarded-For. 0: the header is ignored, REMOTE_ADDR counts.
# With N, the N-th address from the right counts, which no client can forge.
TRUSTED_PROXY_COUNT = int(env("PROXY_COUNT", "0"))
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_ORDER = "left-most"
# ipware counts the proxies listed in the header, besides the one that connects
AXES_IPWARE_PROXY_COUNT = max(TRUSTED_PROXY_COUNT - 1, 0)
IPWARE_STRICT = False  # a longer header (addresses the client made up) is cut, not refused
AXES_VERBOSE = False

# Single sign-on with the province's identity provider (OpenID Connect, PKCE on);
# off unless OIDC_RP_CLIENT_ID is set.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT") or None
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
# The provider's issuer, if its id_token carries no "iss" (it should).
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER")
# A failed login (at the provider, or a link that waits) ends on this page.
LOGIN_REDIRECT_URL_FAILURE = "/oidc/failed/"
OIDC_USERNAME_ALGO = "cases.oidc.username_from_claims"
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", "de identiteitsprovider van de provincie")
OIDC_DEFAULT_ORGANISATION = env("OIDC_DEFAULT_ORGANISATION")
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("cases.oidc.ProvinceOIDCBackend")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Strict Content-Security-Policy: no inline script or style without a nonce,
# no eval. Chart data travels as json_script, drawn by static scripts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "cases.errors.csrf_failure"
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_SAVE_EVERY_REQUEST = False  # cases.middleware.IdleSessionMiddleware decides
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes speak plain HTTP inside the cluster
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Demo accounts (load_demo) share this password.
DEMO_PASSWORD = env("DEMO_PASSWORD", "stackwork-demo")

REST_FRAMEWORK = {
    # Token first: an unauthenticated API call gets 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "cases.api.errors.exception_handler",
    # Guessing passwords through the token endpoint is slowed down per client.
    "DEFAULT_THROTTLE_RATES": {"token": env("API_TOKEN_THROTTLE_RATE", "10/minute")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # the same count as the login lockout above
}

# API tokens (django-rest-knox): stored hashed, expiring, revocable. A token is
# shown once, when it is made; logging out, a password change or losing a role
# revokes it.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=float(env("API_TOKEN_HOURS", "10"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Stackwork API",
    "DESCRIPTION": "Cases, choices per stack layer, development directions and board sessions.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs' assets are served from our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.Case.Status",
        "DirectionStatusEnum": "cases.models.Direction.Status",
        "LayerCodeEnum": "cases.models.Layer.Code",
        "CaseKindEnum": "cases.models.Case.Kind",
        "OrganisationKindEnum": "cases.models.Organisation.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- E-mail (Django's MAILERS): EMAIL_URL, e.g. smtp://user:password@host:587/?tls=True
# (smtps:// for SSL, console:// to print), or the usual EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS and EMAIL_USE_SSL. With
# neither, mail is printed to the console when DEBUG is on and sent to
# localhost:25 otherwise.
def _mailer() -> dict:
    timeout = int(env("EMAIL_TIMEOUT", "20"))
    if env("EMAIL_URL"):
        parsed = dj_email_url.parse(env("EMAIL_URL"))
        backend = parsed.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
        options = {
            "host": parsed["EMAIL_HOST"],
            "port": parsed["EMAIL_PORT"],
            "username": parsed["EMAIL_HOST_USER"] or "",
            "password": parsed["EMAIL_HOST_PASSWORD"] or "",
            "use_tls": parsed["EMAIL_USE_TLS"],
            "use_ssl": parsed["EMAIL_USE_SSL"],
            "timeout": parsed["EMAIL_TIMEOUT"] or timeout,
        }
    elif env("EMAIL_HOST") or not DEBUG:
        backend = "django.core.mail.backends.smtp.EmailBackend"
        options = {
            "host": env("EMAIL_HOST", "localhost"),
            "port": int(env("EMAIL_PORT", "0")) or None,
            "username": env("EMAIL_HOST_USER"),
            "password": env("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "use_ssl": env_bool("EMAIL_USE_SSL"),
            "timeout": timeout,
        }
    else:
        backend, options = "django.core.mail.backends.console.EmailBackend", {}
    if not backend.endswith("smtp.EmailBackend"):
        options = {}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": _mailer()}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Stackwork <stackwork@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address the links in e-mail start with (no request to take it from).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Background tasks (django.tasks): stored in the database, run by
# `manage.py db_worker` (make run starts one; the image runs it as the
# "worker" process). Reminders and the closing of sessions at their deadline
# run there; `manage.py send_reminders` does the same from cron.
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# How often the reminder run repeats itself in the worker, how long before a
# deadline executives who have not voted on everything hear of it, and how far
# ahead the coordinator's home lists outcomes to review.
REMINDER_INTERVAL_MINUTES = int(env("REMINDER_INTERVAL_MINUTES", "10"))
SESSION_REMINDER_HOURS = int(env("SESSION_REMINDER_HOURS", "24"))
REVIEW_SOON_DAYS = int(env("REVIEW_SOON_DAYS", "30"))
# A failed delivery is tried again after 1, 2, 4 … minutes (at most 6 hours
# apart), and given up — shown to coordinators as failed — after this many.
MAIL_MAX_ATTEMPTS = int(env("MAIL_MAX_ATTEMPTS", "8"))
