"""Famnen: the electronic family centre. ``create_app`` builds the Flask application.

Run it with ``flask --app app run`` (``make run`` does everything for a demo).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

import config
from blueprints.activities.routes import bp as activities_bp
from blueprints.activities.staff import bp as activities_staff_bp
from blueprints.admin.routes import bp as admin_bp
from blueprints.auth.commands import register_commands as auth_commands
from blueprints.auth.routes import bp as auth_bp
from blueprints.booking.admin import bp as booking_admin_bp
from blueprints.booking.routes import bp as booking_bp
from blueprints.booking.staff import bp as booking_staff_bp
from blueprints.chat.admin import bp as chat_admin_bp
from blueprints.chat.routes import bp as chat_bp
from blueprints.chat.staff import bp as chat_staff_bp
from blueprints.demo.commands import register_commands as demo_commands
from blueprints.information.admin import bp as information_admin_bp
from blueprints.information.routes import bp as information_bp
from blueprints.messages.routes import bp as messages_bp
from blueprints.messages.staff import bp as messages_staff_bp
from blueprints.operations.commands import register_commands as operations_commands
from blueprints.operations.routes import bp as operations_bp
from blueprints.organisation.admin import bp as organisation_admin_bp
from blueprints.privacy.routes import bp as privacy_bp
from blueprints.programmes.admin import bp as programmes_admin_bp
from blueprints.programmes.commands import register_commands as programme_commands
from blueprints.programmes.routes import bp as programmes_bp
from blueprints.programmes.staff import bp as programmes_staff_bp

# Feature blueprints, in the order their URLs and navigation appear.
from blueprints.public.routes import bp as public_bp
from blueprints.questionnaires.commands import register_commands as questionnaire_commands
from blueprints.questionnaires.routes import bp as questionnaires_bp
from blueprints.questionnaires.staff import bp as questionnaires_staff_bp
from blueprints.reports.routes import bp as reports_bp
from blueprints.site_texts.routes import bp as site_texts_bp
from blueprints.staff.routes import bp as staff_bp
from core import access, database, i18n, ids, phone, rendering, request_log, security
from extensions import babel, csrf, db, login_manager, migrate

BLUEPRINTS = (
    public_bp,
    booking_bp,
    activities_bp,
    chat_bp,
    information_bp,
    messages_bp,
    programmes_bp,
    questionnaires_bp,
    auth_bp,
    staff_bp,
    booking_staff_bp,
    activities_staff_bp,
    chat_staff_bp,
    messages_staff_bp,
    programmes_staff_bp,
    questionnaires_staff_bp,
    reports_bp,
    admin_bp,
    organisation_admin_bp,
    booking_admin_bp,
    chat_admin_bp,
    information_admin_bp,
    programmes_admin_bp,
    site_texts_bp,
    privacy_bp,
    operations_bp,
)

# Each feature adds its own top-level commands (`flask create-admin`, `flask backup`, …).
COMMANDS = (auth_commands, demo_commands, operations_commands, programme_commands, questionnaire_commands)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the application; ``test_config`` overrides every other setting."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    config.load_config(app, test_config)

    database.init_app(app)
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=os.path.join(app.root_path, "migrations"),
        render_as_batch=True,
        render_item=database.render_migration_item,
        include_object=database.include_in_migrations,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    # Sessions are checked on the server (see auth.routes.load_user), not by IP or browser fingerprint.
    login_manager.session_protection = None

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["phone"] = phone.display_phone
    # First, so the logged duration covers every other hook.
    request_log.init_app(app)
    security.init_app(app)
    access.init_app(app)
    i18n.init_app(app)
    rendering.init_app(app)
    ids.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for register_commands in COMMANDS:
        register_commands(app)
    return app
