"""Configuration from the environment, with safe development defaults."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-not-secret"


class ConfigError(RuntimeError):
    pass


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "neighbors.sqlite3")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def engine_options(url: str) -> dict:
    """DATABASE_TRANSACTION_POOLING=1 says DATABASE_URL is a pooler in transaction mode (PgBouncer with
    `pool_mode = transaction`, deploy/pgbouncer.ini.in): each transaction of one app connection may run on another
    server connection, so psycopg must not prepare statements on the server (it would later run one by a name that
    server connection never saw). Session settings are safe only where the pooler carries them over (it does
    for the time zone the app sets on connect)."""
    if url.startswith("postgresql") and _bool(os.environ.get("DATABASE_TRANSACTION_POOLING")):
        return {"connect_args": {"prepare_threshold": None}}
    return {}


def proxy_hops(value: str | None) -> int:
    """How many reverse proxies stand in front of the app; 0 (the default) trusts no X-Forwarded-* header."""
    if value is None or not value.strip():
        return 0
    try:
        hops = int(value)
    except ValueError:
        hops = -1
    if hops < 0:
        raise ConfigError(f"NEIGHBORS_PROXY_HOPS must be a whole number of proxies (0 or more), not {value!r}.")
    return hops


def from_environment(instance_path: str) -> dict:
    env = os.environ.get("NEIGHBORS_ENV", "development")
    secret = os.environ.get("SECRET_KEY", "")
    if env == "production" and (not secret or secret == DEV_SECRET or len(secret) < 32):
        raise ConfigError(
            "NEIGHBORS_ENV=production needs SECRET_KEY set to a random value of 32+ characters."
        )
    secure_cookies = _bool(os.environ.get("SESSION_COOKIE_SECURE"), env == "production")
    # staff's second factor (neighbors/two_factor.py): unset means on, except in the test and bench suites
    two_factor = os.environ.get("NEIGHBORS_STAFF_TWO_FACTOR")
    if env == "production" and two_factor is not None and not _bool(two_factor):
        raise ConfigError("NEIGHBORS_ENV=production always asks staff for a second factor: "
                          "remove NEIGHBORS_STAFF_TWO_FACTOR=0.")
    return {
        "NEIGHBORS_ENV": env,
        "SECRET_KEY": secret or DEV_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url(instance_path)),
        "NEIGHBORS_UPLOAD_DIR": os.environ.get(
            "NEIGHBORS_UPLOAD_DIR", str(Path(instance_path) / "uploads")
        ),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        # Two installations counting in one Redis keep their counts apart by prefix.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "neighbors"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "NEIGHBORS_PROXY_HOPS": proxy_hops(os.environ.get("NEIGHBORS_PROXY_HOPS")),
        "STAFF_TWO_FACTOR": None if two_factor is None else _bool(two_factor),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SECURE": secure_cookies,  # the year-long login cookie must not travel over plain http
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_HEADERS": ["X-CSRFToken", "X-CSRF-Token"],
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    }
