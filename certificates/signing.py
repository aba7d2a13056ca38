"""The issuer's Ed25519 key and compact JWS (RFC 7515) with ``alg: EdDSA`` (RFC 8037),
on `cryptography` alone: the few lines of JOSE needed here, so the runtime carries no
JOSE library. Tests verify our tokens with an independent one (joserfc).

The key is a PKCS#8 PEM file (``LMS_CERTIFICATE_KEY_FILE``, default the instance
folder's ``certificate-signing-key.pem``) created by ``flask lms keys generate``; its
``kid`` is the RFC 7638 thumbprint, so the same key always has the same id.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

KEY_FILENAME = "certificate-signing-key.pem"


class SigningKeyMissing(RuntimeError):
    """No signing key yet: ``flask lms keys generate`` creates it."""


class InvalidToken(ValueError):
    """A token that is malformed, signed by another key, or changed after signing."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_key_file(path: Path, *, overwrite: bool = False) -> None:
    """Write a new Ed25519 private key to ``path``, readable by its owner only."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if path.exists() and not overwrite:
        raise FileExistsError(str(path))
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as output:
        output.write(pem)


def load_private_key(path: Path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if not path.is_file():
        raise SigningKeyMissing(str(path))
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return key


def public_jwk(private_key) -> dict:
    """The public half as an OKP JWK (RFC 8037), without ``kid``."""
    from cryptography.hazmat.primitives import serialization

    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}


def thumbprint(jwk: dict) -> str:
    """RFC 7638: SHA-256 of the required members in lexicographic order, no spaces."""
    canonical = json.dumps({name: jwk[name] for name in ("crv", "kty", "x")},
                           separators=(",", ":"), sort_keys=True)
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def sign(payload: dict, private_key, header: dict) -> str:
    """A compact JWS of ``payload`` (JSON, UTF-8) with ``alg: EdDSA`` and ``header``."""
    protected = b64url(json.dumps({"alg": "EdDSA", **header}, separators=(",", ":"),
                                  ensure_ascii=False).encode("utf-8"))
    body = b64url(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    signature = private_key.sign(f"{protected}.{body}".encode("ascii"))
    return f"{protected}.{body}.{b64url(signature)}"


def verify(token: str, jwks: dict) -> tuple[dict, dict]:
    """(header, payload) of ``token`` when its signature verifies with the key of the
    set ``jwks`` named by its ``kid``; :class:`InvalidToken` otherwise."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        protected, body, signature = token.strip().split(".")
        header = json.loads(b64url_decode(protected))
        payload = json.loads(b64url_decode(body))
        raw_signature = b64url_decode(signature)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidToken(f"not a compact JWS: {error}") from None
    if header.get("alg") != "EdDSA":
        raise InvalidToken(f"unexpected algorithm {header.get('alg')!r}")
    key = next((jwk for jwk in jwks.get("keys", []) if jwk.get("kid") == header.get("kid")), None)
    if key is None:
        raise InvalidToken(f"unknown key {header.get('kid')!r}")
    try:
        Ed25519PublicKey.from_public_bytes(b64url_decode(key["x"])).verify(
            raw_signature, f"{protected}.{body}".encode("ascii"))
    except (InvalidSignature, ValueError):
        raise InvalidToken("the signature does not match: the credential was changed") from None
    return header, payload
