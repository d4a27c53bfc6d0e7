"""The deployment files and guide stay true: every command, file, setting and port they name exists.

docs/deployment.md is followed word for word by people who cannot ask us, so a
renamed command or setting must fail here rather than on a municipality's server.
"""

from __future__ import annotations

import configparser
import re
import runpy
import shlex
from pathlib import Path

import click
import pytest

import config
from app import create_app
from blueprints.chat import live
from tests.support.config import BASE_CONFIG

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
GUIDE = ROOT / "docs" / "deployment.md"
UNITS = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))
INSTALLED_CODE = "/opt/famnen/"
# Settings read from the environment besides those of config.default_settings.
EXTRA_SETTINGS = {f"MUNICIPALITY_NAME_{code.upper()}" for code in config.LANGUAGES} | {"DEBUG", "SESSION_COOKIE_SECURE"}


@pytest.fixture(scope="module")
def cli() -> click.Group:
    """The `flask` command group of the app, with every command registered."""
    return create_app({**BASE_CONFIG, "DATABASE_URL": "sqlite://"}).cli


def unit(path: Path) -> configparser.ConfigParser:
    """A systemd unit file, read as sections of settings (repeated keys keep the last)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read(path)
    return parser


def flask_commands(text: str) -> list[list[str]]:
    """Every `flask --app app ...`, `deploy/famnen-flask ...` and quoted `flask ...` command line in a text."""
    found = []
    for line in text.splitlines():
        for pattern in (r"flask --app app (.+)", r"famnen-flask (.+)", r"`flask ((?!--app)[^`]+)`"):
            match = re.search(pattern, line)
            if match and not match.group(1).startswith(("#", "COMMAND")):
                command_line = match.group(1).split("`")[0].split("#")[0].rstrip(".,:; ")
                found.append(shlex.split(command_line))
    return found


def resolve(cli: click.Group, words: list[str]) -> click.Command:
    """The command a command line names, subcommands included; fails for unknown ones."""
    command: click.Command = cli
    context = click.Context(cli)
    for word in words:
        if not isinstance(command, click.Group) or word.startswith("-"):
            break
        found = command.get_command(context, word)
        if found is None:
            if command is cli:
                raise AssertionError(f"`flask {' '.join(words)}`: there is no command {word!r}")
            break  # an argument of the command
        command = found
    return command


def test_every_flask_command_in_the_units_the_guide_and_the_wrapper_exists(cli):
    texts = [path.read_text() for path in UNITS] + [GUIDE.read_text(), (DEPLOY / "famnen-flask").read_text()]
    commands = [words for text in texts for words in flask_commands(text)]
    names = {" ".join(words[:2]) for words in commands}
    assert {
        "run-jobs",
        "backup /var/backups/famnen/",
        "db upgrade",
        "restore /var/backups/famnen/famnen-20261122T023000Z.sqlite3",
    } <= names
    for words in commands:
        command = resolve(cli, words)
        assert command is not cli, words
        options = {option for parameter in command.params for option in getattr(parameter, "opts", [])}
        for word in words:
            if word.startswith("--"):
                assert word.split("=")[0] in options, f"`flask {' '.join(words)}`: no option {word}"


def test_the_timers_start_services_that_run_real_commands(cli):
    for timer in DEPLOY.glob("*.timer"):
        service = unit(timer)["Timer"]["Unit"]
        assert (DEPLOY / service).exists(), f"{timer.name} starts {service}, which deploy/ does not have"
        assert unit(DEPLOY / service)["Service"]["Type"] == "oneshot"
    assert unit(DEPLOY / "famnen-jobs.timer")["Timer"]["OnCalendar"] == "*:0/10"  # every ten minutes


def test_units_refer_to_files_that_ship_with_the_code():
    for path in UNITS:
        for reference in re.findall(r"/opt/famnen/([\w./-]+)", path.read_text()):
            if reference.startswith((".venv/", "docs/")) and not reference.startswith("docs/deployment"):
                continue  # made by make install-production / checked below
            assert (ROOT / reference).exists(), f"{path.name} names /opt/famnen/{reference}, which does not exist"
    for path in UNITS:
        if path.suffix == ".service":
            settings = unit(path)["Service"]
            assert settings["User"] == "famnen" and settings["EnvironmentFile"] == "/etc/famnen/famnen.env"
            assert settings["WorkingDirectory"] == "/opt/famnen"


def test_gunicorn_serves_the_app_factory_on_the_address_nginx_uses():
    exec_start = unit(DEPLOY / "famnen.service")["Service"]["ExecStart"]
    assert exec_start.endswith(" app:create_app()")
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["accesslog"] is None  # Famnen's own request log replaces it
    upstream = re.search(
        r"upstream famnen \{\s*(?:#.*\n\s*)*server ([\d.:]+)", (DEPLOY / "nginx-famnen.conf").read_text()
    )
    assert upstream and upstream.group(1) == settings["bind"]


def nginx_locations() -> dict[str, str]:
    """The nginx site's locations, each as its pattern and the settings inside its braces."""
    nginx = (DEPLOY / "nginx-famnen.conf").read_text()
    return {match[1].strip(): match[2] for match in re.finditer(r"location ([^{]+)\{([^}]*)\}", nginx)}


def test_nginx_passes_the_headers_proxy_count_1_trusts():
    nginx = (DEPLOY / "nginx-famnen.conf").read_text()
    proxied = [body for body in nginx_locations().values() if "proxy_pass" in body]
    assert len(proxied) >= 2
    for body in proxied:
        for header in (
            "Host $host",
            "X-Forwarded-For $proxy_add_x_forwarded_for",
            "X-Forwarded-Proto $scheme",
            "X-Forwarded-Host $host",
        ):
            assert f"proxy_set_header {header};" in body
    assert "access_log off;" in nginx and "return 301 https://" in nginx
    assert f"alias {INSTALLED_CODE}static/;" in nginx and (ROOT / "static").is_dir()


def test_every_waiting_chat_request_passes_nginx_unbuffered_and_gunicorn_has_threads_for_them():
    """Long polls (chat/live.py) wait LONG_POLL_SECONDS: nginx must not buffer them nor cut them off,
    and gunicorn must not take a waiting request for a stuck worker."""
    long_polls = [
        rule.rule
        for rule in create_app({**BASE_CONFIG, "DATABASE_URL": "sqlite://"}).url_map.iter_rules()
        if rule.rule.endswith("/updates")
    ]
    assert len(long_polls) == 3
    waiting = {pattern: body for pattern, body in nginx_locations().items() if pattern.startswith("~")}
    assert len(waiting) == 1
    pattern, body = next(iter(waiting.items()))
    for rule in long_polls:
        path = re.sub(r"<int:[^>]+>", "42", re.sub(r"<(?!int:)[^>]+>", "aB3-_x", rule))
        assert re.fullmatch(pattern.removeprefix("~").strip(), path), f"{rule} waits but nginx buffers it"
    assert re.fullmatch(pattern.removeprefix("~").strip(), "/staff/chat/42/send") is None
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", body).group(1))
    assert "proxy_buffering off;" in body and read_timeout > live.LONG_POLL_SECONDS + 30
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["worker_class"] == "gthread" and settings["workers"] * settings["threads"] >= 200
    assert settings["timeout"] > live.LONG_POLL_SECONDS


def environment_file() -> dict[str, str]:
    """The example /etc/famnen/famnen.env, read the way the systemd units and the wrapper read it."""
    values = {}
    for line in (DEPLOY / "famnen.env").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name] = shlex.split(value)[0] if value else ""
    return values


def test_the_example_settings_name_only_real_settings():
    known = set(config.default_settings("/instance")) | EXTRA_SETTINGS
    for name in environment_file():
        setting = name.removeprefix("FAMNEN_")
        assert name in ("DATABASE_URL",) or (name.startswith("FAMNEN_") and setting in known), f"unknown setting {name}"


def test_the_example_settings_are_refused_until_the_secret_key_is_replaced(tmp_path):
    settings = config.settings_from_environment(environment_file())
    settings["DATABASE_URL"] = f"sqlite:///{tmp_path}/famnen.db"
    with pytest.raises(config.ConfigurationError) as refused:
        create_app({**BASE_CONFIG, **settings})
    assert "SECRET_KEY" in str(refused.value) and str(refused.value).count("\n- ") == 1
    app = create_app({**BASE_CONFIG, **settings, "SECRET_KEY": "0123456789abcdef" * 4})
    assert app.config["MUNICIPALITY_NAME"]["sv"] == "Borgå stad" and app.config["SMTP_STARTTLS"] is True


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    undocumented = [
        name for name in config.default_settings("/instance") if f"`{name}`" not in readme and name != "MAIL_OUTBOX_DIR"
    ]
    assert undocumented == []


def test_the_guide_names_every_deployment_file_and_only_real_ones():
    guide = GUIDE.read_text()
    for path in DEPLOY.iterdir():
        assert f"deploy/{path.name}" in guide, f"docs/deployment.md does not explain deploy/{path.name}"
    for reference in re.findall(r"\]\((\.\./[^)#]+)", guide):
        assert (GUIDE.parent / reference).resolve().exists(), f"broken link {reference}"
    for reference in re.findall(r"/opt/famnen/(deploy/[\w.-]+)", guide):
        assert (ROOT / reference).exists(), reference


def test_the_command_wrapper_reads_the_environment_file_and_is_executable():
    wrapper = DEPLOY / "famnen-flask"
    assert wrapper.stat().st_mode & 0o111
    assert "/etc/famnen/famnen.env" in wrapper.read_text() and '.venv/bin/flask" --app app' in wrapper.read_text()
