"""Migration 0014 carries existing children's cases over, and its downgrade gives them back as they were."""

from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from extensions import db as _db

BEFORE = "0013_flag_acknowledgements"


def test_existing_cases_survive_the_upgrade_and_the_downgrade(app, db):
    try:
        db.session.remove()  # the migrations use connections of their own (SQLite's write lock)
        downgrade(revision=BEFORE)
        db.session.execute(text("DELETE FROM case_member"))
        db.session.execute(text("DELETE FROM child"))
        db.session.execute(
            text(
                "INSERT INTO child (id, first_name, date_of_birth, created_at) VALUES (41, 'Elsa', '2022-09-15', "
                "'2026-01-01 10:00:00+00:00')"
            )
        )
        db.session.commit()
        db.session.remove()

        upgrade()
        row = db.session.execute(
            text("SELECT first_name, surname, date_of_birth, personal_id FROM child WHERE id = 41")
        ).one()
        assert (row.first_name, row.surname, row.personal_id) == ("Elsa", "", None)
        assert str(row.date_of_birth) == str(date(2022, 9, 15))
        assert {"guardian", "child_guardian"} <= set(inspect(_db.engine).get_table_names())
        db.session.execute(text("UPDATE child SET surname = 'Nyström', personal_id = '150922A2345' WHERE id = 41"))
        db.session.execute(
            text(
                "INSERT INTO guardian (id, name, email, phone, created_at) VALUES (7, 'Sanna', '', '', '2026-01-01 "
                "10:00:00+00:00')"
            )
        )
        db.session.execute(
            text("INSERT INTO child_guardian (child_id, guardian_id, relation, position) VALUES (41, 7, 'mother', 1)")
        )
        db.session.commit()
        db.session.remove()

        downgrade(revision=BEFORE)
        assert (
            db.session.execute(text("SELECT first_name, date_of_birth FROM child WHERE id = 41")).one().first_name
            == "Elsa"
        )
        columns = {column["name"] for column in inspect(_db.engine).get_columns("child")}
        assert "surname" not in columns and "personal_id" not in columns
        assert "guardian" not in inspect(_db.engine).get_table_names()
    finally:
        db.session.remove()
        upgrade()
