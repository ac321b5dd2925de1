"""DKIM signing keys: generate, store, load and validate them; the DNS record to publish."""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gobetween.domain.errors import InvalidInput

# relay-notes.md, Outbound signing: rsa-sha256 with 2048-bit keys.
KEY_BITS = 2048
MIN_KEY_BITS = 2048
_SELECTOR = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE)
# A DNS TXT character-string holds at most 255 bytes; longer records are split into several.
_TXT_CHUNK = 255


@dataclass(frozen=True, slots=True)
class DkimKey:
    """A private key with the selector and domain it signs for."""

    selector: str
    domain: str
    private_pem: bytes

    @property
    def dns_name(self) -> str:
        """Where verifiers look the public key up."""
        return f"{self.selector}._domainkey.{self.domain}"

    @property
    def public_record(self) -> str:
        """The TXT record's value: `v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>`."""
        key = _load_private(self.private_pem)
        der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode('ascii')}"

    def zone_line(self) -> str:
        """The record as a zone-file line, split into 255-byte strings as DNS requires."""
        value = self.public_record
        chunks = [value[i : i + _TXT_CHUNK] for i in range(0, len(value), _TXT_CHUNK)]
        quoted = " ".join(f'"{chunk}"' for chunk in chunks)
        return f"{self.dns_name}. IN TXT ( {quoted} )"


def check_selector(selector: str) -> str:
    """Return `selector` if it is one DNS label, else raise InvalidInput."""
    if not _SELECTOR.fullmatch(selector):
        raise InvalidInput(
            "dkim_selector", f"must be one DNS label (letters, digits, -); got {selector!r}"
        )
    return selector


def generate_key(*, selector: str, domain: str, bits: int = KEY_BITS) -> DkimKey:
    """Draw a new RSA key; the PEM is PKCS#1, the form dkimpy reads."""
    if bits < MIN_KEY_BITS:
        raise InvalidInput("bits", f"must be at least {MIN_KEY_BITS}; got {bits}")
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return DkimKey(selector=check_selector(selector), domain=domain.lower(), private_pem=pem)


def save_key(key: DkimKey, path: Path) -> None:
    """Write the private key readable by its owner only; refuse to overwrite an existing key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InvalidInput(
            "dkim_key_file", f"{path} already exists; not overwriting a key"
        ) from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.private_pem)
        handle.flush()
        os.fsync(handle.fileno())


def load_key(path: Path, *, selector: str, domain: str) -> DkimKey:
    """Read and validate a key at start, so a bad key fails then and not on the first mail."""
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(
            "dkim_key_file", f"{path} does not exist (run `gobetween dkim keygen`)"
        ) from None
    key = _load_private(pem, where=str(path))
    if key.key_size < MIN_KEY_BITS:
        raise InvalidInput(
            "dkim_key_file", f"{path}: key has {key.key_size} bits; need {MIN_KEY_BITS}"
        )
    return DkimKey(selector=check_selector(selector), domain=domain.lower(), private_pem=pem)


def _load_private(pem: bytes, *, where: str = "key") -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise InvalidInput(
            "dkim_key_file", f"{where} is not an unencrypted PEM private key: {error}"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise InvalidInput("dkim_key_file", f"{where} is not an RSA key")
    return key
