"""`flask lms …` commands."""
import sqlalchemy as sa

from lms.accounts.models import Learner, Role, RoleGrant, User


def test_create_admin_from_stdin(app, db):
    result = app.test_cli_runner().invoke(
        args=["lms", "create-admin", "Chief", "--full-name", "Trưởng phòng"],
        input="a long enough password\na long enough password\n")  # prompt and confirmation
    assert result.exit_code == 0, result.output
    user = db.scalars(sa.select(User).where(User.username == "chief")).one()
    grants = db.scalars(sa.select(RoleGrant).where(RoleGrant.learner_id == user.learner.id)).all()
    assert [grant.role for grant in grants] == [Role.ADMIN]
    assert user.learner.full_name == "Trưởng phòng"


def test_create_admin_with_password_stdin_flag(app, db):
    result = app.test_cli_runner().invoke(
        args=["lms", "create-admin", "chief", "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    result = app.test_cli_runner().invoke(
        args=["lms", "create-admin", "chief", "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 1
    assert "taken" in result.output


def test_create_admin_refuses_short_password(app, db):
    result = app.test_cli_runner().invoke(
        args=["lms", "create-admin", "chief", "--password-stdin"], input="short\n")
    assert result.exit_code == 1
    assert db.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_load_demo_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["lms", "load-demo"])
    assert first.exit_code == 0, first.output
    assert first.output.count("password:") == 2
    second = runner.invoke(args=["lms", "load-demo"])
    assert "password:" not in second.output
    assert db.scalar(sa.select(sa.func.count()).select_from(Learner)) == 2


def test_every_command_has_help(app):
    result = app.test_cli_runner().invoke(args=["lms", "--help"])
    assert result.exit_code == 0
    for command in ("db", "create-admin", "import-users", "load-demo"):
        assert command in result.output
