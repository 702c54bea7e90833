"""Neighbors (邻里): a neighbourhood services marketplace for old-town communities."""
import logging
from pathlib import Path

from flask import Flask
from flask_babel import get_locale
from werkzeug.routing import IntegerConverter

from . import cli, error_pages, static_files
from .config import ROOT, from_environment
from .database import install_postgresql_behaviour, install_sqlite_behaviour
from .extensions import babel, csrf, db, htmx, limiter, login_manager, migrate
from .i18n import elder_mode_on, html_lang, install_translations, select_locale
from .security import add_security_headers, refuse_nul_characters, trust_proxies
from .templating import register_filters

MODULE_TRANSLATIONS = ["translations", "kitchen/translations", "mutualaid/translations",
                       "alleys/translations", "staff/translations", "visits/translations", "open311/translations",
                       "registers/translations", "assessment/translations"]


class RecordId(IntegerConverter):
    """`<int:…>` in our URLs is a record id: a number no id column can hold is simply not found (404),
    instead of reaching the database as an out-of-range value."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(from_environment(app.instance_path))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(MODULE_TRANSLATIONS)
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    Path(app.config["NEIGHBORS_UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_timezone="Asia/Shanghai")
    install_translations(app, babel)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        install_sqlite_behaviour(db.engine)
        install_postgresql_behaviour(db.engine)

    _register_login(app)
    app.url_map.converters["int"] = RecordId
    _register_blueprints(app)
    _install_modules(app)
    error_pages.register(app)
    cli.register(app)
    register_filters(app)
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    trust_proxies(app)
    static_files.install(app)

    @app.context_processor
    def shell_context():
        locale = str(get_locale() or "zh")
        return {"locale": locale, "html_lang": html_lang(locale), "elder_mode": elder_mode_on()}

    return app


def _register_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l
    from sqlalchemy.orm import joinedload

    from .models import User

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in first.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, epoch = (session_id or "").partition(".")
        try:
            # the grants come in the same statement: every page asks for the reader's roles
            user = db.session.get(User, int(user_id), options=[joinedload(User.role_grants)])
        except (TypeError, ValueError):
            return None
        if user is None or str(user.session_epoch or 0) != epoch:
            return None
        return user


def _install_modules(app: Flask) -> None:
    """The modules' hooks, in one explicit list: what staff, appeals, tick and the demo data reach them by."""
    from .alleys.hooks import HOOKS as alleys
    from .assessment.hooks import HOOKS as assessment
    from .kitchen.hooks import HOOKS as kitchen
    from .mutualaid.hooks import HOOKS as mutualaid
    from .registers.hooks import HOOKS as registers
    from .registry import install
    from .visits.hooks import HOOKS as visits

    install(app, [kitchen, mutualaid, alleys, visits, registers, assessment])


def _register_blueprints(app: Flask) -> None:
    from . import appeals, auth, open311, privacy, views
    from .alleys import bp as alleys_bp
    from .assessment import bp as assessment_bp
    from .kitchen import bp as kitchen_bp
    from .mutualaid import bp as mutualaid_bp
    from .registers import bp as registers_bp
    from .staff import bp as staff_bp
    from .visits import bp as visits_bp

    for blueprint in (views.bp, auth.bp, kitchen_bp, mutualaid_bp, alleys_bp, staff_bp, appeals.bp, visits_bp,
                      privacy.bp, open311.bp, open311.api_bp, registers_bp, assessment_bp):
        app.register_blueprint(blueprint)
