"""Configuration classes, read from the environment.

`create_app()` picks the class named by PORTAL_ENV (development, test, production). Development values live in
DevelopmentConfig only; ProductionConfig refuses to start while a required setting is missing.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import overload

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))


@overload
def _env(name: str, default: str) -> str: ...
@overload
def _env(name: str, default: None = None) -> str | None: ...


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "base"
    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Behind a load balancer, the number of proxies whose X-Forwarded-For and X-Forwarded-Proto are trusted; 0 trusts
    # none, so a client's own X-Forwarded-For changes nothing. Checked by create_app (a whole number, 0 to 9).
    TRUSTED_PROXIES = _env("TRUSTED_PROXIES", "0")

    # FranceConnect v2 (citizens). The scopes are FranceConnect's per-claim scopes of the identité pivot.
    FRANCECONNECT_ISSUER = _env("FRANCECONNECT_ISSUER")
    FRANCECONNECT_CLIENT_ID = _env("FRANCECONNECT_CLIENT_ID")
    FRANCECONNECT_CLIENT_SECRET = _env("FRANCECONNECT_CLIENT_SECRET")
    FRANCECONNECT_SCOPES = _env(
        "FRANCECONNECT_SCOPES",
        "openid given_name family_name preferred_username birthdate gender birthplace birthcountry email",
    )
    FRANCECONNECT_ACR_VALUES = _env("FRANCECONNECT_ACR_VALUES", "eidas1")
    FRANCECONNECT_ACCEPTED_ACR = ("eidas1", "eidas2", "eidas3")

    # ProConnect (agents of the pension fund). A second factor is required: only these levels open the back-office.
    PROCONNECT_ISSUER = _env("PROCONNECT_ISSUER")
    PROCONNECT_CLIENT_ID = _env("PROCONNECT_CLIENT_ID")
    PROCONNECT_CLIENT_SECRET = _env("PROCONNECT_CLIENT_SECRET")
    PROCONNECT_SCOPES = _env("PROCONNECT_SCOPES", "openid email given_name usual_name uid siret idp_id")
    PROCONNECT_ACR_VALUES = _env("PROCONNECT_ACR_VALUES", "https://proconnect.gouv.fr/assurance/self-asserted-2fa")
    PROCONNECT_ACCEPTED_ACR = (
        "https://proconnect.gouv.fr/assurance/self-asserted-2fa",
        "https://proconnect.gouv.fr/assurance/consistency-checked-2fa",
    )
    # Agents' sessions: their own cookie, limited to the back-office's path, and shorter-lived.
    AGENT_SESSION_COOKIE_NAME = "portail_agent_session"
    AGENT_SESSION_IDLE_TIMEOUT = timedelta(minutes=int(_env("AGENT_SESSION_IDLE_MINUTES", "15")))
    AGENT_SESSION_LIFETIME = timedelta(hours=8)
    # Four eyes: a decision adding this many quarters, or changing earnings by this much, needs a second agent.
    FOUR_EYES_QUARTERS = 4
    FOUR_EYES_EARNINGS_CENTS = 500_000
    # Seconds of clock skew tolerated on iat/exp; FranceConnect's id_tokens live 60 seconds.
    OIDC_LEEWAY_SECONDS = 30
    OIDC_HTTP_TIMEOUT_SECONDS = 10
    # An authorization request not completed within this delay is refused (state expired).
    OIDC_STATE_MAX_AGE = timedelta(minutes=10)

    # Sessions: the cookie carries only a random token; what the session holds is a row of browser_session
    # (portal/sessions.py), and the login a row of user_session, so logout and expiry take effect server-side.
    SESSION_COOKIE_NAME = "portail_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    # The cookie lives as long as the longest session; inactivity is judged on the server, where a copied cookie
    # cannot extend it.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=int(_env("SESSION_IDLE_MINUTES", "30")))
    # No "remember me" cookie (it would carry the account id): never written, and ignored if sent (extensions.py).
    REMEMBER_COOKIE_DURATION = timedelta(0)

    WTF_CSRF_TIME_LIMIT = 3600
    RATELIMIT_STORAGE_URI = _env("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    # NIR attempts at first login, per account: enough for typos, too few to search the NIR space.
    NIR_BINDING_RATE_LIMIT = "10 per hour"

    HSTS_ENABLED = False
    TEMPLATES_STRICT_UNDEFINED = False

    # Links in e-mails point here (e-mails are sent after the request, without its host name).
    PORTAL_BASE_URL = _env("PORTAL_BASE_URL")

    # Justificatifs. "local" keeps them in a directory; "s3" in any S3-compatible store through boto3.
    DOCUMENTS_STORAGE = _env("DOCUMENTS_STORAGE", "local")
    DOCUMENTS_LOCAL_DIR = _env("DOCUMENTS_LOCAL_DIR", str(INSTANCE_DIR / "documents"))
    S3_BUCKET = _env("S3_BUCKET")
    S3_ENDPOINT_URL = _env("S3_ENDPOINT_URL")
    S3_REGION = _env("S3_REGION", "eu-west-3")
    S3_ACCESS_KEY_ID = _env("S3_ACCESS_KEY_ID")
    S3_SECRET_ACCESS_KEY = _env("S3_SECRET_ACCESS_KEY")
    S3_SERVER_SIDE_ENCRYPTION = _env("S3_SERVER_SIDE_ENCRYPTION", "AES256")
    S3_KMS_KEY_ID = _env("S3_KMS_KEY_ID")
    S3_ADDRESSING_STYLE = _env("S3_ADDRESSING_STYLE", "path")
    S3_PREFIX = _env("S3_PREFIX", "justificatifs/")
    DOCUMENT_MAX_BYTES = int(_env("DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
    DOCUMENTS_PER_SIGNALEMENT = int(_env("DOCUMENTS_PER_SIGNALEMENT", "20"))
    # One file per upload request: the request may carry the file plus a little form data, nothing more.
    MAX_CONTENT_LENGTH = DOCUMENT_MAX_BYTES + 256 * 1024
    # Uploads above this size go to a temporary file while the request is parsed, never to memory.
    MAX_FORM_MEMORY_SIZE = 512 * 1024

    # Checkpoints of the audit trail (portal/audit/checkpoints.py): its head signed with HMAC-SHA256 under this key
    # and kept outside the database, in a directory ("local", development) or an object store ("s3": the endpoint
    # and credentials of the S3_* settings, a bucket of its own created with S3 Object Lock, so that a checkpoint
    # can be neither deleted nor overwritten for AUDIT_CHECKPOINT_RETENTION_DAYS).
    AUDIT_CHECKPOINT_KEY = _env("AUDIT_CHECKPOINT_KEY")
    AUDIT_CHECKPOINT_STORAGE = _env("AUDIT_CHECKPOINT_STORAGE", "local")
    AUDIT_CHECKPOINT_DIR = _env("AUDIT_CHECKPOINT_DIR", str(INSTANCE_DIR / "audit-checkpoints"))
    AUDIT_CHECKPOINT_S3_BUCKET = _env("AUDIT_CHECKPOINT_S3_BUCKET")
    AUDIT_CHECKPOINT_S3_PREFIX = _env("AUDIT_CHECKPOINT_S3_PREFIX", "audit-checkpoints/")
    AUDIT_CHECKPOINT_LOCK_MODE = _env("AUDIT_CHECKPOINT_LOCK_MODE", "COMPLIANCE")
    AUDIT_CHECKPOINT_RETENTION_DAYS = _env("AUDIT_CHECKPOINT_RETENTION_DAYS", "3650")

    # Signalements: drafts kept this long after their last change; target answer time per kind, in days,
    # counted from the day the request is complete.
    DRAFT_RETENTION_DAYS = int(_env("DRAFT_RETENTION_DAYS", "90"))
    SIGNALEMENT_TARGET_DAYS = {
        "missing_period": 60,
        "wrong_dates": 45,
        "wrong_earnings": 60,
        "wrong_employer": 45,
        "wrong_nature": 45,
        "duplicate": 30,
        "unemployment_missing": 45,
        "sickness_missing": 45,
        "maternity_missing": 45,
        "national_service_missing": 60,
        "children": 45,
        "other": 60,
    }
    COMPLEMENT_DEFAULT_DAYS = 30
    UPLOAD_RATE_LIMIT = "60 per hour"
    SUBMISSION_RATE_LIMIT = "10 per day"
    MESSAGE_RATE_LIMIT = "30 per hour"

    # E-mail. Every e-mail is first an outbox row, written with the change it tells about. Once that commits:
    # "celery" hands it to the workers (one task per e-mail); "inline" sends it in the web process (the tests, a
    # portal run without workers); "queue" leaves it to the sweep. A temporary failure is retried with exponential
    # backoff (RETRY_BASE, twice, four times…, at most RETRY_MAX) until it has failed MAX_ATTEMPTS times (about
    # three hours with these values); then, or after a bounce (SMTP 5xx), only an administrateur's « Renvoyer »
    # (back-office, « E-mails en échec ») sends it. The sweep (beat, every SWEEP_SECONDS, or `flask notifications
    # send`) sends what is due and whatever a lost task left behind.
    NOTIFICATIONS_DELIVERY = _env("NOTIFICATIONS_DELIVERY", "celery")
    NOTIFICATIONS_MAX_ATTEMPTS = int(_env("NOTIFICATIONS_MAX_ATTEMPTS", "10"))
    NOTIFICATIONS_RETRY_BASE_SECONDS = int(_env("NOTIFICATIONS_RETRY_BASE_SECONDS", "30"))
    NOTIFICATIONS_RETRY_MAX_SECONDS = int(_env("NOTIFICATIONS_RETRY_MAX_SECONDS", "3600"))
    NOTIFICATIONS_SWEEP_SECONDS = int(_env("NOTIFICATIONS_SWEEP_SECONDS", "60"))
    # While a sender talks to the mail server no other one takes the e-mail; longer than MAIL_TIMEOUT_SECONDS, so
    # that a slow server is not mistaken for a dead sender.
    # An SMTP conversation is about ten socket operations, each bounded by MAIL_TIMEOUT_SECONDS: production refuses
    # a lease shorter than ten times it.
    NOTIFICATIONS_SEND_LEASE_SECONDS = int(_env("NOTIFICATIONS_SEND_LEASE_SECONDS", "300"))
    MAIL_TIMEOUT_SECONDS = int(_env("MAIL_TIMEOUT_SECONDS", "20"))
    MAIL_BACKEND = _env("MAIL_BACKEND", "smtp")
    MAIL_SERVER = _env("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(_env("MAIL_PORT", "25"))
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USERNAME = _env("MAIL_USERNAME")
    MAIL_PASSWORD = _env("MAIL_PASSWORD")
    MAIL_FROM = _env("MAIL_FROM", "Ma carrière retraite <ne-pas-repondre@carriere.example.fr>")
    MAIL_DIRECTORY = _env("MAIL_DIRECTORY", str(INSTANCE_DIR / "mails"))

    # Background work on Celery workers (portal/background.py). The broker: CELERY_BROKER_URL (Redis or RabbitMQ),
    # else the rate limits' REDIS_URL. Development defaults to kombu's SQLAlchemy transport on a SQLite file of the
    # instance: no server to install. Each deployment (or test worker) may take its own queue name.
    CELERY_BROKER_URL = _env("CELERY_BROKER_URL") or _env("REDIS_URL")
    CELERY_QUEUE = _env("CELERY_QUEUE", "portal")
    # Redis gives an unacknowledged task to another worker after this long: longer than any task runs. RabbitMQ
    # needs none: it redelivers as soon as the dead worker's connection drops. The embedded broker of development has
    # none either: a task a killed worker held is lost (an e-mail's is found again by the outbox sweep).
    CELERY_VISIBILITY_TIMEOUT_SECONDS = int(_env("CELERY_VISIBILITY_TIMEOUT_SECONDS", "3600"))
    # The daily jobs' times on beat (Europe/Paris), "HH:MM"; see portal/background.py for what each one does.
    CELERY_DAILY_JOBS_AT = {
        "portal.representation.expire_mandates": "00:05",
        "portal.signalements.reprioritize": "00:15",
        # Not between 02:00 and 03:00: that hour is skipped in March and happens twice in October.
        "portal.signalements.purge_drafts": "01:30",
        "portal.documents.sweep": "01:45",
        "portal.sessions.purge": "03:00",
        "portal.audit.verify": "03:30",
        "portal.audit.checkpoint": "04:00",
    }

    SERVICE_NAME = "Ma carrière retraite"
    OPERATOR_NAME = "Assurance retraite"

    # `flask seed-demo` and `flask generate-requests` write invented people: only where this is on (make run, the
    # tests and the benchmarks set it; a production deployment leaves it off).
    DEMO_COMMANDS = _env_bool("DEMO_COMMANDS", False)

    REQUIRED_SETTINGS: tuple[str, ...] = ()

    @classmethod
    def missing_settings(cls, values: dict) -> list[str]:
        return [name for name in cls.REQUIRED_SETTINGS if not values.get(name)]


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = True
    SECRET_KEY = _env("SECRET_KEY", "dev-only-secret-key-not-for-production")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite3'}")
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    TEMPLATES_STRICT_UNDEFINED = True
    # The links of e-mails lead to the address `flask run` serves (`make run PORT=…` passes it): the port of
    # FLASK_RUN_PORT, 5000 by default, unless PORTAL_BASE_URL says otherwise.
    PORTAL_BASE_URL = _env("PORTAL_BASE_URL", f"http://127.0.0.1:{_env('FLASK_RUN_PORT', '5000')}")
    # E-mails of development are files in instance/mails, to open in any mail client; `make run` sends them instead
    # through its development mailbox (an SMTP server on 127.0.0.1:1025 with a page to read them).
    MAIL_BACKEND = _env("MAIL_BACKEND", "directory")
    # Never more than a minute between two tries (for an hour): a developer who restarts the mailbox sees the
    # e-mails that waited arrive within a minute.
    NOTIFICATIONS_RETRY_MAX_SECONDS = int(_env("NOTIFICATIONS_RETRY_MAX_SECONDS", "60"))
    NOTIFICATIONS_MAX_ATTEMPTS = int(_env("NOTIFICATIONS_MAX_ATTEMPTS", "60"))
    CELERY_BROKER_URL = (
        _env("CELERY_BROKER_URL") or _env("REDIS_URL") or f"sqla+sqlite:///{INSTANCE_DIR / 'broker.sqlite3'}"
    )
    # The local FranceConnect sandbox that `make run` starts beside the portal (python -m portal.sandbox).
    FRANCECONNECT_ISSUER = _env("FRANCECONNECT_ISSUER", "http://127.0.0.1:5001/api/v2")
    FRANCECONNECT_CLIENT_ID = _env("FRANCECONNECT_CLIENT_ID", "portail-carriere-local")
    FRANCECONNECT_CLIENT_SECRET = _env("FRANCECONNECT_CLIENT_SECRET", "secret-du-bac-a-sable-local")
    PROCONNECT_ISSUER = _env("PROCONNECT_ISSUER", "http://127.0.0.1:5002/api/v2")
    PROCONNECT_CLIENT_ID = _env("PROCONNECT_CLIENT_ID", "portail-agents-local")
    PROCONNECT_CLIENT_SECRET = _env("PROCONNECT_CLIENT_SECRET", "secret-agents-bac-a-sable")
    AUDIT_CHECKPOINT_KEY = _env("AUDIT_CHECKPOINT_KEY", "dev-only-audit-checkpoint-key")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    DEMO_COMMANDS = True
    PORTAL_BASE_URL = "http://localhost"
    MAIL_BACKEND = "smtp"
    # The suite sends inline, in the request that committed; tests/workers run real workers on "celery".
    NOTIFICATIONS_DELIVERY = _env("NOTIFICATIONS_DELIVERY", "inline")
    CELERY_BROKER_URL = _env("CELERY_BROKER_URL", "memory://")
    MAIL_TIMEOUT_SECONDS = int(_env("MAIL_TIMEOUT_SECONDS", "10"))
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    SESSION_COOKIE_SECURE = False
    TEMPLATES_STRICT_UNDEFINED = True
    RATELIMIT_STORAGE_URI = "memory://"
    FRANCECONNECT_CLIENT_ID = "portail-carriere-test"
    FRANCECONNECT_CLIENT_SECRET = "secret-de-test"
    PROCONNECT_CLIENT_ID = "portail-agents-test"
    PROCONNECT_CLIENT_SECRET = "secret-agents-test"
    AUDIT_CHECKPOINT_KEY = "test-audit-checkpoint-key"


class ProductionConfig(Config):
    ENV_NAME = "production"
    HSTS_ENABLED = True
    REQUIRED_SETTINGS = (
        "SECRET_KEY",
        "SQLALCHEMY_DATABASE_URI",
        "FRANCECONNECT_ISSUER",
        "FRANCECONNECT_CLIENT_ID",
        "FRANCECONNECT_CLIENT_SECRET",
        "PORTAL_BASE_URL",
        "AUDIT_CHECKPOINT_KEY",
    )

    @classmethod
    def missing_settings(cls, values: dict) -> list[str]:
        missing = super().missing_settings(values)
        # Beat runs the daily jobs (purges, mandate expiry, the audit checks), whatever delivers the e-mails.
        if not values.get("CELERY_BROKER_URL"):
            missing.append("CELERY_BROKER_URL (or REDIS_URL)")
        if values.get("NOTIFICATIONS_SEND_LEASE_SECONDS", 0) < 10 * values.get("MAIL_TIMEOUT_SECONDS", 0):
            missing.append("NOTIFICATIONS_SEND_LEASE_SECONDS (at least 10 × MAIL_TIMEOUT_SECONDS)")
        return missing


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
