"""Operations: GET /healthz for monitoring and flask run-jobs for the systemd timer."""

from app import create_app
from tests.support.booking import REMINDER_NOW, book_within
from tests.support.config import POSTGRES_URL

# --- GET /healthz ----------------------------------------------------------------------


def test_healthz_answers_ok_when_the_database_is_current(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "migrations": "current"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_has_no_session_language_or_redirect_side_effects(client):
    response = client.get("/healthz", headers={"Accept-Language": "fi"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert client.head("/healthz").status_code == 200


def test_healthz_is_public_and_needs_no_sign_in(app):
    from core.access import PUBLIC, declared_access

    with app.test_request_context():
        assert declared_access("operations.healthz") == PUBLIC


def test_healthz_answers_503_when_migrations_are_pending(client, older_revision, caplog):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "migrations": "pending"}
    assert "0002_booking" not in response.get_data(as_text=True)
    assert any("0002_booking" in record.getMessage() for record in caplog.records)  # the details are logged


def test_healthz_answers_503_when_the_database_is_newer_than_the_code(client, database_revision):
    database_revision("9999_from_the_future")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "unknown"


def test_healthz_answers_503_when_the_database_has_never_been_migrated(client, database_revision):
    database_revision(None)
    assert client.get("/healthz").get_json() == {"status": "unavailable", "database": "ok", "migrations": "pending"}


def test_healthz_answers_503_when_the_database_is_unreachable(app_config, tmp_path):
    unreachable = (
        "postgresql+psycopg://famnen@127.0.0.1:1/famnen?connect_timeout=2"
        if POSTGRES_URL
        else f"sqlite:///{tmp_path}/no-such-folder/famnen.db"
    )
    app = create_app({**app_config, "DATABASE_URL": unreachable})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable", "migrations": "not checked"}


# --- flask run-jobs ----------------------------------------------------------------------


def test_run_jobs_runs_every_scheduled_job_and_reports_each(runner, db, world, mailbox, monkeypatch):
    monkeypatch.setattr(
        "blueprints.operations.commands.utcnow", lambda: REMINDER_NOW
    )  # the reminder tests' fixed clock
    book_within(db, world, 3)
    result = runner.invoke(args=["run-jobs"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "send-reminders: Reminders sent: 1, failed (will be retried): 0"
    assert lines[1] == (
        "offer-earlier-times: Earlier times offered: 0, families not reached by email or text message: 0"
    )
    assert lines[2] == "notify-staff: Staff notices sent: 0, failed (will be retried): 0, no longer needed: 0"
    assert lines[3] == "tell-staff-of-messages: Emails about families' messages sent: 0, failed: 0"
    assert lines[4] == "close-chat-queues: Chats ended unanswered after closing time: 0"
    assert lines[5].startswith("purge: Deleted: appointments: 0, ") and len(lines) == 6
    again = runner.invoke(args=["run-jobs"])  # idempotent: nothing is sent twice
    assert again.output.splitlines()[0] == "send-reminders: Reminders sent: 0, failed (will be retried): 0"


def test_run_jobs_fails_when_a_job_fails_and_still_runs_the_others(runner, db, monkeypatch):
    from blueprints.operations import jobs

    def broken(now):
        raise RuntimeError("disk full")

    ran = []
    monkeypatch.setattr(
        jobs,
        "SCHEDULED_JOBS",
        (jobs.Job("broken", broken), jobs.Job("fine", lambda now: ran.append(now) or jobs.JobResult("done"))),
    )
    result = runner.invoke(args=["run-jobs"])
    assert result.exit_code == 1
    assert "broken: failed: RuntimeError: disk full" in result.output and "fine: done" in result.output
    assert len(ran) == 1


def test_run_jobs_can_run_one_job(runner, db):
    result = runner.invoke(args=["run-jobs", "--only", "send-reminders"])
    assert result.exit_code == 0 and result.output.startswith("send-reminders:")
    assert runner.invoke(args=["run-jobs", "--only", "no-such-job"]).exit_code == 2
