"""Configuration classes, read from the environment.

`create_app()` picks the class named by PORTAL_ENV (development, test, production). Development values live in
DevelopmentConfig only; ProductionConfig refuses to start while a required setting is missing.
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))


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
    # Behind a load balancer, the number of proxies whose X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))

    # FranceConnect v2 (citizens). The scopes are FranceConnect's per-claim scopes of the identité pivot.
    FRANCECONNECT_ISSUER = _env("FRANCECONNECT_ISSUER")
    FRANCECONNECT_CLIENT_ID = _env("FRANCECONNECT_CLIENT_ID")
    FRANCECONNECT_CLIENT_SECRET = _env("FRANCECONNECT_CLIENT_SECRET")
    FRANCECONNECT_SCOPES = _env(
        "FRANCECONNECT_SCOPES",
        "openid given_name family_name preferred_username birthdate gender birthplace birthcountry email",
    )
    FRANCECONNECT_ACR_VALUES = _env("FRANCECONNECT_ACR_VALUES", "eidas1")
    # Seconds of clock skew tolerated on iat/exp; FranceConnect's id_tokens live 60 seconds.
    OIDC_LEEWAY_SECONDS = 30
    OIDC_HTTP_TIMEOUT_SECONDS = 10
    # An authorization request not completed within this delay is refused (state expired).
    OIDC_STATE_MAX_AGE = timedelta(minutes=10)

    # Sessions: a signed cookie carries only the account id and a session id checked against the database,
    # so logout and expiry take effect server-side.
    SESSION_COOKIE_NAME = "portail_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    # The cookie lives as long as the longest session; inactivity is judged on the server, where a copied cookie
    # cannot extend it.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_IDLE_TIMEOUT = timedelta(minutes=int(_env("SESSION_IDLE_MINUTES", "30")))
    REMEMBER_COOKIE_DURATION = timedelta(0)

    WTF_CSRF_TIME_LIMIT = 3600
    RATELIMIT_STORAGE_URI = _env("REDIS_URL", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    # NIR attempts at first login, per account: enough for typos, too few to search the NIR space.
    NIR_BINDING_RATE_LIMIT = "10 per hour"

    HSTS_ENABLED = False
    TEMPLATES_STRICT_UNDEFINED = False

    SERVICE_NAME = "Ma carrière retraite"
    OPERATOR_NAME = "Assurance retraite"

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
    # The local FranceConnect sandbox that `make run` starts beside the portal (python -m portal.sandbox).
    FRANCECONNECT_ISSUER = _env("FRANCECONNECT_ISSUER", "http://127.0.0.1:5001/api/v2")
    FRANCECONNECT_CLIENT_ID = _env("FRANCECONNECT_CLIENT_ID", "portail-carriere-local")
    FRANCECONNECT_CLIENT_SECRET = _env("FRANCECONNECT_CLIENT_SECRET", "secret-du-bac-a-sable-local")


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL", "sqlite://")
    SESSION_COOKIE_SECURE = False
    TEMPLATES_STRICT_UNDEFINED = True
    RATELIMIT_STORAGE_URI = "memory://"
    FRANCECONNECT_CLIENT_ID = "portail-carriere-test"
    FRANCECONNECT_CLIENT_SECRET = "secret-de-test"


class ProductionConfig(Config):
    ENV_NAME = "production"
    HSTS_ENABLED = True
    REQUIRED_SETTINGS = (
        "SECRET_KEY",
        "SQLALCHEMY_DATABASE_URI",
        "FRANCECONNECT_ISSUER",
        "FRANCECONNECT_CLIENT_ID",
        "FRANCECONNECT_CLIENT_SECRET",
    )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
