"""The portal's application factory.

The features, their models and their pages are imported inside the factory, not at the top of this module:
`portal` is also the package of the rules engine (portal.pension_rules, its command line and its benchmark), which
must load without Flask, the database or any feature (tests/pension_rules/test_purity.py).
"""

import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from jinja2 import StrictUndefined
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, INSTANCE_DIR, Config
from portal.paths import ROOT_DIR


def create_app(config: type[Config] | Mapping | None = None) -> Flask:
    """Build the app. `config` is a Config class, a mapping of overrides on top of PORTAL_ENV's class, or None."""
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(ROOT_DIR / "templates"),
        static_folder=str(ROOT_DIR / "static"),
    )
    env_name = os.environ.get("PORTAL_ENV", "development")
    if isinstance(config, type):
        app.config.from_object(config)
    else:
        if env_name not in CONFIGS:
            raise RuntimeError(f"PORTAL_ENV={env_name!r} is not one of {sorted(CONFIGS)}")
        app.config.from_object(CONFIGS[env_name])
        if config:
            app.config.update(config)

    _check_settings(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["TEMPLATES_STRICT_UNDEFINED"]:
        app.jinja_env.undefined = StrictUndefined
    trusted = _trusted_proxies(app)
    if trusted:
        # The client's address is then the one the nearest trusted proxy saw (request.remote_addr, which the rate
        # limits key on), and the scheme the one it was reached with. X-Forwarded-Host is not trusted: the Host
        # header passes through the load balancer, and a forged one would change the OIDC redirect URIs.
        # Wrapping wsgi_app is Flask's documented way to add a WSGI middleware; mypy sees a method being replaced.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted)  # type: ignore[method-assign]

    # Imported when the app is built, not with the package: see the module docstring.
    from portal import routing

    routing.init_app(app)
    from portal.sessions import PortalSessionInterface  # idem: the sessions read the database

    app.session_interface = PortalSessionInterface()
    _init_extensions(app)
    _register_blueprints(app)

    # Imported when the app is built, not with the package: see the module docstring.
    from portal import commands, errors, security, templating

    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    commands.init_app(app)
    logging.getLogger("portal").setLevel(logging.INFO)
    return app


def _trusted_proxies(app: Flask) -> int:
    """TRUSTED_PROXIES as a number of proxies. Anything but a small whole number refuses to start: a negative count
    would make ProxyFix read the client's own entries of X-Forwarded-For."""
    value = str(app.config.get("TRUSTED_PROXIES") or "0").strip()
    if not re.fullmatch(r"[0-9]", value):
        raise RuntimeError(
            f"TRUSTED_PROXIES={value!r} is not a number of proxies: set 0 (no proxy trusted) to 9 in the environment."
        )
    app.config["TRUSTED_PROXIES"] = int(value)
    return int(value)


def _check_settings(app: Flask) -> None:
    config_class = CONFIGS.get(app.config.get("ENV_NAME", ""), Config)
    missing = config_class.missing_settings(app.config)
    if missing:
        raise RuntimeError(
            "Configuration incomplete: set " + ", ".join(missing) + " in the environment before starting the portal."
        )


def _init_extensions(app: Flask) -> None:
    # Imported when the app is built, not with the package: see the module docstring.
    from portal import background
    from portal import db as portal_db
    from portal.db import db
    from portal.extensions import csrf, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    portal_db.install_unit_of_work(app)
    portal_db.install_transaction_hooks()

    # Models must be imported for the metadata (migrations, create_all in tests) to know every table.
    from portal.agents import models as _agents_models  # noqa: F401
    from portal.audit import models as _audit_models  # noqa: F401
    from portal.auth import models as _auth_models  # noqa: F401
    from portal.careers import models as _careers_models  # noqa: F401
    from portal.documents import models as _documents_models  # noqa: F401
    from portal.documents import services as documents_services  # idem
    from portal.intake import models as _intake_models  # noqa: F401
    from portal.notifications import models as _notifications_models  # noqa: F401
    from portal.representation import models as _representation_models  # noqa: F401
    from portal.signalements import models as _signalements_models  # noqa: F401

    documents_services.init_app(app)
    background.init_app(app)


def _register_blueprints(app: Flask) -> None:
    # Imported when the app is built, not with the package: see the module docstring.
    from portal.auth import oidc
    from portal.auth import views as auth_views
    from portal.backoffice import views as backoffice_views
    from portal.careers import views as careers_views
    from portal.documents import views as documents_views
    from portal.main import views as main_views
    from portal.representation import views as representation_views
    from portal.signalements import views as signalements_views
    from portal.simulator import api as simulator_api
    from portal.simulator import buy_back_page as simulator_buy_back
    from portal.simulator import views as simulator_views

    oidc.register_providers(app)
    app.register_blueprint(main_views.bp)
    app.register_blueprint(main_views.dsfr)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(careers_views.bp)
    app.register_blueprint(signalements_views.bp)
    app.register_blueprint(documents_views.bp)
    app.register_blueprint(backoffice_views.bp)
    app.register_blueprint(simulator_views.bp)
    app.register_blueprint(simulator_buy_back.bp)
    app.register_blueprint(representation_views.bp)
    app.register_blueprint(simulator_api.simulator_api)
