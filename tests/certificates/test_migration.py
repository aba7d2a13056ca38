"""Migration 0010 goes down to 0009 (its tables gone) and up again, on both databases."""
import sqlalchemy as sa

TABLES = ("lms_certificates", "lms_certificate_files", "lms_certificate_serial_counters",
          "lms_certificate_archives")


def test_0010_downgrades_and_upgrades_again(empty_database):
    from alembic import command

    from lms.migrations_runner import alembic_config, current_revision, upgrade

    upgrade("0010", engine=empty_database)
    assert set(TABLES) <= set(sa.inspect(empty_database).get_table_names())
    with empty_database.begin() as connection:
        command.downgrade(alembic_config(connection), "0009")
    assert current_revision(empty_database) == "0009"
    assert not set(TABLES) & set(sa.inspect(empty_database).get_table_names())
    upgrade("0010", engine=empty_database)
    assert current_revision(empty_database) == "0010"
