"""The one-time CSV of new accounts' temporary passwords after a learner import.

The import's result page shows the credential slips (plaintext, in that one response,
never cached: ``Cache-Control: no-store``). For the CSV the passwords must survive until
a second request, so they are kept **encrypted** (AES-GCM) in ``lms_credential_sheets``
under a fresh random key that the server does not keep: the key goes to the admin's page
only, inside the download form's token. The row alone (a database backup, a curious
operator) reveals nothing; the token alone finds nothing once the row is gone. The first
download deletes the row, so the file can be fetched once; a sheet nobody fetched is
deleted after ``LMS_CREDENTIAL_SHEET_MINUTES`` by the periodic sweep, and refused after
that time even before the sweep runs.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, get_session, utcnow

_LOOKUP_BYTES = 16
_KEY_BYTES = 32
_NONCE_BYTES = 12


class CredentialSheet(Base):
    """Encrypted temporary passwords of one import, waiting for their single download."""

    __tablename__ = "lms_credential_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token's lookup half: the token itself is never stored.
    lookup_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_dt: Mapped[dt.datetime] = mapped_column(index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="SET NULL"))
    #: Nonce followed by the AES-GCM ciphertext of the CSV bytes.
    ciphertext: Mapped[bytes] = mapped_column(sa.LargeBinary)


def _hash(lookup: bytes) -> str:
    return hashlib.sha256(lookup).hexdigest()


def store(csv_bytes: bytes, *, minutes: int, actor_id: int | None) -> str:
    """Keep ``csv_bytes`` encrypted for ``minutes``; returns the token that fetches it once."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    lookup, key, nonce = (secrets.token_bytes(n) for n in (_LOOKUP_BYTES, _KEY_BYTES, _NONCE_BYTES))
    sealed = nonce + AESGCM(key).encrypt(nonce, csv_bytes, lookup)
    session = get_session()
    session.add(CredentialSheet(lookup_hash=_hash(lookup), ciphertext=sealed, created_by_id=actor_id,
                                expires_dt=utcnow() + dt.timedelta(minutes=minutes)))
    session.flush()
    return base64.urlsafe_b64encode(lookup + key).decode("ascii").rstrip("=")


def take(token: str) -> bytes | None:
    """The CSV of ``token``, deleting it (a second call finds nothing); None when the
    token is malformed, unknown, already used or expired."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        return None
    if len(raw) != _LOOKUP_BYTES + _KEY_BYTES:
        return None
    lookup, key = raw[:_LOOKUP_BYTES], raw[_LOOKUP_BYTES:]
    session = get_session()
    row = session.execute(sa.select(CredentialSheet.id, CredentialSheet.ciphertext).where(
        CredentialSheet.lookup_hash == _hash(lookup), CredentialSheet.expires_dt > utcnow())).first()
    if row is None:
        return None
    try:  # a wrong key (a forged token) is refused before anything is deleted
        data = AESGCM(key).decrypt(row.ciphertext[:_NONCE_BYTES], row.ciphertext[_NONCE_BYTES:], lookup)
    except InvalidTag:
        return None
    # Of two downloads at once, only the one whose DELETE removed the row gets the file.
    deleted = session.execute(sa.delete(CredentialSheet).where(CredentialSheet.id == row.id))
    return data if deleted.rowcount == 1 else None


def delete_expired() -> int:
    """The periodic sweep: sheets nobody downloaded in time."""
    result = get_session().execute(sa.delete(CredentialSheet).where(CredentialSheet.expires_dt <= utcnow()))
    return result.rowcount or 0
