"""`flask lms keys generate` and `flask lms certificates issue | regenerate | verify`."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

keys_cli = AppGroup("keys", help="The issuer's signing key of the certificate credentials.")
certificates_cli = AppGroup("certificates", help="Certificates: backfill, regenerate, verify.")


@keys_cli.command("generate")
@click.option("--force", is_flag=True, help="Replace an existing key (credentials signed with "
                                            "the old one then no longer verify).")
def generate_key(force: bool) -> None:
    """Create the Ed25519 signing key in the instance folder (or LMS_CERTIFICATE_KEY_FILE)."""
    from certificates import credential, signing

    path = credential.key_path()
    try:
        signing.generate_key_file(path, overwrite=force)
    except FileExistsError:
        raise click.ClickException(f"{path} exists already; --force replaces it.") from None
    kid = credential.published_jwks()["keys"][0]["kid"]
    click.echo(f"Signing key written to {path} (owner-only). Key id: {kid}")


@certificates_cli.command("issue")
@click.option("--batch", default=200, show_default=True, help="Completions per transaction.")
def issue_missing(batch: int) -> None:
    """Issue the missing certificates of past completions (backfill), with progress.

    Each batch commits on its own, so an interrupted run keeps what it issued and the
    next run goes on; PDFs are rendered by the worker afterwards."""
    import sqlalchemy as sa

    from certificates.models import Certificate
    from certificates.operations import issue_certificate
    from courses.models import CourseCompletion
    from lms.accounts.models import Learner
    from lms.db import get_session, unit_of_work

    missing = (sa.select(CourseCompletion.id)
               .where(~sa.exists().where(Certificate.completion_id == CourseCompletion.id))
               .order_by(CourseCompletion.completed_dt, CourseCompletion.id))
    ids = get_session().scalars(missing).all()
    get_session().rollback()
    with click.progressbar(length=len(ids), label="Issuing certificates") as bar:
        for start in range(0, len(ids), batch):
            with unit_of_work():
                session = get_session()
                for completion in session.scalars(sa.select(CourseCompletion).where(
                        CourseCompletion.id.in_(ids[start:start + batch]))):
                    issue_certificate(completion, session.get(Learner, completion.learner_id))
            bar.update(len(ids[start:start + batch]))
    click.echo(f"{len(ids)} certificates issued.")


@certificates_cli.command("regenerate")
@click.option("--locale", "locales", multiple=True, default=("vi",), show_default=True)
def regenerate(locales: tuple[str, ...]) -> None:
    """Render again every current PDF of an older template version
    (LMS_CERTIFICATE_TEMPLATE_VERSION); the previous file's hash stays in the history."""
    import sqlalchemy as sa

    from certificates.models import Certificate
    from certificates.operations import regenerate_file
    from lms.db import get_session, unit_of_work

    ids = get_session().scalars(sa.select(Certificate.id).where(Certificate.revoked_dt.is_(None))
                                .order_by(Certificate.id)).all()
    get_session().rollback()
    renewed = 0
    with click.progressbar(ids, label="Regenerating certificates") as bar:
        for certificate_id in bar:
            with unit_of_work():  # one render per transaction: short locks, resumable
                certificate = get_session().get(Certificate, certificate_id)
                renewed += sum(regenerate_file(certificate, locale) is not None for locale in locales)
    click.echo(f"{renewed} files rendered again.")


@certificates_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_credential(file: Path) -> None:
    """Verify a signed credential (VC-JWT) FILE offline with this issuer's key: reports
    a changed credential, another issuer's key, expiry and revocation."""
    import datetime as dt

    from certificates import credential, signing
    from certificates.queries import certificate_by_code

    try:
        header, payload = signing.verify(file.read_text("utf-8"), credential.published_jwks())
    except signing.InvalidToken as error:
        raise click.ClickException(f"NOT VALID: {error}") from None
    except signing.SigningKeyMissing:
        raise click.ClickException("No signing key here: `flask lms keys generate`.") from None
    click.echo(f"Signature valid (key {header['kid']}).")
    until = payload.get("validUntil")
    if until and dt.datetime.fromisoformat(until.replace("Z", "+00:00")) < dt.datetime.now(dt.UTC):
        raise click.ClickException(f"EXPIRED on {until}.")
    certificate = certificate_by_code(payload.get("id", "").rsplit("/", 1)[-1])
    if certificate is not None and certificate.is_revoked:
        raise click.ClickException(f"REVOKED: {certificate.revoked_reason}")
    subject = payload.get("credentialSubject", {})
    click.echo(f"{payload.get('name')}: {subject.get('name')} — "
               f"{subject.get('achievement', {}).get('name')}")
