"""Who really sent a mail: SPF, DKIM and DMARC evaluated here, never read from inbound headers.

SPF is pyspf (the RFC 7208 reference implementation, by the maintainer of dkimpy); DKIM is dkimpy;
DMARC alignment (RFC 7489) is the few rules below, with organisational domains from the public
suffix list bundled with tldextract (no download at run time). All DNS goes through one `Resolver`
object, so tests hand in a fixed zone and production hands in dnspython.

A From address that is registered proves nothing by itself: anyone can write it. It counts only
when DMARC passes for its domain (an aligned SPF or DKIM pass), or, where the domain publishes
no DMARC record, when SPF or DKIM passes for exactly that domain (relay-notes.md).
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol, cast

import dkim
import dkim.crypto
import dns.exception
import dns.name
import dns.resolver
import dns.reversename
import spf
import tldextract
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from dkim.canonicalization import (
    CanonicalizationPolicy,
    InvalidCanonicalizationPolicyError,
    Relaxed,
    Simple,
)

from gobetween.adapters.mail.outbound import dkim_headers_and_body, relaxed_body

RecordType = Literal["A", "AAAA", "MX", "TXT", "PTR", "SPF"]
SpfResult = Literal["pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"]
DmarcResult = Literal["pass", "fail", "none", "temperror"]


class DnsTemporaryError(Exception):
    """The lookup could not be answered now (timeout, no server); worth trying again later."""


class Resolver(Protocol):
    """Answers one DNS question; an empty list means no such name or no such record."""

    def query(self, name: str, rtype: RecordType) -> list[str]:
        """A/AAAA: addresses; MX: "pref host"; TXT: each record's strings joined; PTR: names."""
        ...


class DnsPythonResolver:
    """The production resolver: dnspython with the system's resolver configuration.

    Answers are cached for their records' TTL (dnspython's thread-safe Cache): a sender's SPF
    and DMARC records are asked for on every mail it sends, and each miss is a network round
    trip inside the SMTP session. `nameservers`/`port` replace the system's configuration.
    """

    def __init__(
        self,
        *,
        lifetime: float = 5.0,
        nameservers: Sequence[str] | None = None,
        port: int = 53,
    ) -> None:
        self._resolver: dns.resolver.Resolver | None = None
        self._lifetime = lifetime
        self._nameservers = list(nameservers) if nameservers else None
        self._port = port

    def _configured(self) -> dns.resolver.Resolver:
        resolver = dns.resolver.Resolver(configure=self._nameservers is None)
        if self._nameservers is not None:
            resolver.nameservers = self._nameservers
            resolver.port = self._port
        resolver.cache = dns.resolver.Cache()
        return resolver

    def query(self, name: str, rtype: RecordType) -> list[str]:
        try:
            if self._resolver is None:
                # Read the system's configuration on first use, not at start.
                self._resolver = self._configured()
            answer = self._resolver.resolve(name, rtype, lifetime=self._lifetime, search=False)
        except (
            dns.resolver.NXDOMAIN,
            dns.resolver.NoAnswer,
            # A name that cannot be a DNS name (a label over 63 octets, an empty label, over
            # 255 octets, not IDNA, a bad escape) has no records: a sender's From domain can be
            # any of these, and the session must answer as for an unknown domain (RFC 7208
            # §4.3: SPF "none"), not fail with the exception.
            dns.name.LabelTooLong,
            dns.name.EmptyLabel,
            dns.name.NameTooLong,
            dns.name.IDNAException,
            dns.exception.SyntaxError,
        ):
            return []
        except dns.exception.DNSException as error:
            # Everything else is a lookup that was not answered: a timeout, SERVFAIL or REFUSED
            # from every server (NoNameservers), a malformed or truncated answer (dnspython
            # drops that server, then NoNameservers), YXDOMAIN, no configuration. RFC 7208
            # §4.4: any RCODE other than 0 and 3, or a timeout, is SPF temperror; RFC 6376
            # §6.1.2: a key query that fails to respond is TEMPFAIL, only a key that does not
            # exist is PERMFAIL; RFC 7489 §6.6.3 likewise tells a DNS error from no record.
            raise DnsTemporaryError(f"{rtype} {name}: {error}") from None
        records: list[str] = []
        for rdata in answer:
            if rtype in ("TXT", "SPF"):
                records.append(b"".join(rdata.strings).decode("utf-8", "replace"))
            elif rtype == "MX":
                records.append(f"{rdata.preference} {rdata.exchange.to_text(omit_final_dot=True)}")
            elif rtype == "PTR":
                records.append(rdata.target.to_text(omit_final_dot=True))
            else:
                records.append(rdata.address)
        return records


class StaticResolver:
    """A resolver over a fixed zone: {(name, type): [records]}; for offline setups and tests."""

    def __init__(self, records: Mapping[tuple[str, str], Sequence[str]] | None = None) -> None:
        self.records: dict[tuple[str, str], list[str]] = {}
        for (name, rtype), values in (records or {}).items():
            self.add(name, rtype, *values)
        self.failing: set[str] = set()

    def add(self, name: str, rtype: str, *values: str) -> None:
        self.records.setdefault((name.lower().rstrip("."), rtype.upper()), []).extend(values)

    def query(self, name: str, rtype: RecordType) -> list[str]:
        key = name.lower().rstrip(".")
        if key in self.failing:
            raise DnsTemporaryError(f"{rtype} {name}: no answer (configured to fail)")
        return list(self.records.get((key, rtype), []))


@dataclass(frozen=True, slots=True)
class AuthResult:
    """What we established about a mail's sender, with the reason in words."""

    from_domain: str
    spf: SpfResult
    spf_domain: str
    dkim_domains: tuple[str, ...]
    dmarc: DmarcResult
    dmarc_policy: str | None
    reason: str

    @property
    def authenticated(self) -> bool:
        """The From domain is proven: DMARC passed (or its no-record fallback did)."""
        return self.dmarc == "pass"

    def to_dict(self) -> dict[str, Any]:
        return {
            "from_domain": self.from_domain,
            "spf": self.spf,
            "spf_domain": self.spf_domain,
            "dkim_domains": list(self.dkim_domains),
            "dmarc": self.dmarc,
            "dmarc_policy": self.dmarc_policy,
            "reason": self.reason,
        }


# With the list's private section (github.io, blogspot.com, ...), as OpenDMARC reads the whole
# file: without it, alice.github.io and mallory.github.io had one organisational domain, and a
# pass for one aligned (relaxed) with a From address of the other.
_SUFFIXES = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)
_SUFFIXES_BUILT = threading.Lock()


def _load_suffix_list() -> None:
    """Build tldextract's suffix tree once, before threads ask for it.

    tldextract builds it on first use without a lock, about 0.2 s of CPU, and every thread
    that asks before the first one is done builds its own: the listener's first burst of mail
    built it 14-16 times (3 s of CPU in one profile) while those sessions waited.
    """
    with _SUFFIXES_BUILT:
        _SUFFIXES("example.com")


@functools.lru_cache(maxsize=4096)
def organizational_domain(domain: str) -> str:
    """The registrable domain (RFC 7489 §3.2): example.co.uk for mail.example.co.uk.

    Remembered per name: the answer depends only on the name and the bundled suffix list, a
    mail asks up to three times (DMARC record, SPF and DKIM alignment), and the same few
    sending domains come back mail after mail.
    """
    name = domain.lower().rstrip(".")
    extracted = _SUFFIXES(name)
    top = str(getattr(extracted, "top_domain_under_public_suffix", "") or "")
    if top:
        return top
    # No listed suffix: the list's default rule "*" makes the last label the suffix.
    return ".".join(name.split(".")[-2:])


def aligned(first: str, second: str, *, strict: bool) -> bool:
    """DMARC identifier alignment: equal domains (strict) or the same organisational domain."""
    a, b = first.lower().rstrip("."), second.lower().rstrip(".")
    if strict:
        return a == b
    return organizational_domain(a) == organizational_domain(b)


def _failed_or_retry(
    failed: AuthResult, dkim_unanswered: tuple[str, ...], *, strict_spf: bool, strict_dkim: bool
) -> AuthResult:
    """The DMARC fail, or a temporary error (the relay answers 451 and the sender retries) when
    DNS failed to answer for an identifier that aligns with the From domain.

    Only such an identifier could turn the fail into a pass once DNS answers (RFC 7489 §4.2,
    §6.6): a junk signature from an unrelated domain whose DNS is broken, or a MAIL FROM in
    another organisation, cannot, and the fail stands rather than asking for a retry.
    """
    from_domain = failed.from_domain
    undecided = (
        failed.spf == "temperror"
        and bool(failed.spf_domain)
        and aligned(failed.spf_domain, from_domain, strict=strict_spf)
    ) or any(aligned(domain, from_domain, strict=strict_dkim) for domain in dkim_unanswered)
    if not undecided:
        return failed
    return replace(
        failed,
        dmarc="temperror",
        reason=f"DNS did not answer while checking {from_domain}; {failed.reason}",
    )


def _domain_of(verifier: dkim.DKIM) -> str:
    """The d= of the signature the verifier last read, lower case."""
    return cast(bytes, verifier.domain or b"").decode("ascii", "replace").lower()


class SenderAuthenticator:
    """Evaluates SPF, DKIM and DMARC for one inbound mail through the given resolver."""

    def __init__(self, resolver: Resolver, *, dns_timeout: float = 5.0) -> None:
        self.resolver = resolver
        self.dns_timeout = dns_timeout
        self._spf_verdicts = _SpfVerdicts()
        _load_suffix_list()

    def authenticate(
        self, raw: bytes, *, from_address: str, client_ip: str, mail_from: str, helo: str
    ) -> AuthResult:
        """Check the mail's From domain against the connecting IP, envelope and signatures."""
        from_domain = from_address.rpartition("@")[2].lower()
        spf_domain = (mail_from.rpartition("@")[2] if mail_from else helo).lower().rstrip(".")
        spf_result = self.check_spf(client_ip=client_ip, mail_from=mail_from, helo=helo)
        dkim_domains, dkim_unanswered = self._verify_dkim(raw)
        return self._dmarc(from_domain, spf_result, spf_domain, dkim_domains, dkim_unanswered)

    def _dmarc(
        self,
        from_domain: str,
        spf_result: SpfResult,
        spf_domain: str,
        dkim_domains: tuple[str, ...],
        dkim_unanswered: tuple[str, ...],
    ) -> AuthResult:
        try:
            policy = self.dmarc_record(from_domain)
        except DnsTemporaryError as error:
            return AuthResult(
                from_domain, spf_result, spf_domain, dkim_domains, "temperror", None, str(error)
            )
        if policy is None:
            # No DMARC record: still demand a pass for exactly the From domain.
            spf_ok = spf_result == "pass" and spf_domain == from_domain
            dkim_ok = from_domain in dkim_domains
            if spf_ok or dkim_ok:
                how = "SPF" if spf_ok else "DKIM"
                return AuthResult(
                    from_domain,
                    spf_result,
                    spf_domain,
                    dkim_domains,
                    "pass",
                    None,
                    f"{how} passed for {from_domain} (no DMARC record)",
                )
            failed = AuthResult(
                from_domain,
                spf_result,
                spf_domain,
                dkim_domains,
                "fail",
                None,
                f"neither SPF nor DKIM passed for {from_domain} (SPF {spf_result} for "
                f"{spf_domain or 'no domain'}; DKIM signatures valid for: "
                f"{', '.join(dkim_domains) or 'none'})",
            )
            # Only exactly the From domain could have passed: strict alignment.
            return _failed_or_retry(failed, dkim_unanswered, strict_spf=True, strict_dkim=True)
        strict_spf = policy.get("aspf", "r") == "s"
        strict_dkim = policy.get("adkim", "r") == "s"
        spf_aligned = spf_result == "pass" and aligned(spf_domain, from_domain, strict=strict_spf)
        dkim_aligned = any(aligned(d, from_domain, strict=strict_dkim) for d in dkim_domains)
        chosen = policy.get("p", "none")
        if spf_aligned or dkim_aligned:
            how = "aligned SPF" if spf_aligned else "aligned DKIM"
            return AuthResult(
                from_domain,
                spf_result,
                spf_domain,
                dkim_domains,
                "pass",
                chosen,
                f"DMARC passed for {from_domain} ({how})",
            )
        failed = AuthResult(
            from_domain,
            spf_result,
            spf_domain,
            dkim_domains,
            "fail",
            chosen,
            f"DMARC failed for {from_domain}: no aligned SPF or DKIM pass (SPF {spf_result} for "
            f"{spf_domain or 'no domain'}; DKIM valid for: {', '.join(dkim_domains) or 'none'})",
        )
        return _failed_or_retry(
            failed, dkim_unanswered, strict_spf=strict_spf, strict_dkim=strict_dkim
        )

    def check_spf(self, *, client_ip: str, mail_from: str, helo: str) -> SpfResult:
        """RFC 7208 check_host() for the envelope sender (or HELO for the null sender).

        The verdict is a function of the client's address, MAIL FROM, HELO and the DNS answers
        the evaluation read. The same sender comes back mail after mail, so a verdict is kept
        with the questions it asked and their answers: when the resolver gives those answers
        again (from its cache, within their TTL), the evaluation would take the same steps to
        the same verdict, and pyspf's work (0.2 M instructions a mail) is skipped. Any other
        answer, or a lookup that fails, evaluates afresh; a verdict that met a failed lookup
        (temperror) is not kept.
        """
        key = (client_ip, mail_from, helo)
        known = self._spf_verdicts.get(key)
        if known is not None and self._answers_again(known.asked):
            return known.result
        try:
            ipaddress.ip_address(client_ip)
        except ValueError:
            return "none"
        recording = _RecordingResolver(self.resolver)
        query = _SpfQuery(recording, i=client_ip, s=mail_from, h=helo, querytime=self.dns_timeout)
        result, _code, _explanation = query.check()
        verdict = cast(SpfResult, result) if result in _SPF_RESULTS else "permerror"
        if not recording.failed:
            self._spf_verdicts.keep(key, _SpfVerdict(tuple(recording.asked), verdict))
        return verdict

    def _answers_again(self, asked: tuple[_Asked, ...]) -> bool:
        """Whether the resolver answers each of `asked`'s questions as it did then."""
        try:
            return all(
                tuple(self.resolver.query(name, rtype)) == answers for name, rtype, answers in asked
            )
        except DnsTemporaryError:
            return False

    def check_dkim(self, raw: bytes) -> tuple[str, ...]:
        """The d= domains of every DKIM signature that verifies, in the order they appear."""
        return self._verify_dkim(raw)[0]

    def _verify_dkim(self, raw: bytes) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(d= domains that verify, d= domains whose key lookup DNS could not answer)."""
        header_block = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        if b"dkim-signature:" not in header_block.lower():
            # Unsigned: skip dkimpy's parse of the whole mail (it costs more than the rest).
            return (), ()
        verifier = _DkimVerifier(raw, minkey=1024, timeout=int(self.dns_timeout))
        count = sum(1 for name, _ in verifier.headers if name.lower() == b"dkim-signature")
        domains: list[str] = []
        unanswered: list[str] = []
        for index in range(count):
            try:
                ok = verifier.verify(idx=index, dnsfunc=self._dkim_key_records)
            except dkim.DnsTimeoutError:
                # The signature parsed (dkimpy set its d=) before its key was asked for.
                ok = False
                unanswered.append(_domain_of(verifier))
            except dkim.DKIMException:
                ok = False
            if ok and verifier.domain:
                domains.append(_domain_of(verifier))
        return tuple(dict.fromkeys(domains)), tuple(dict.fromkeys(unanswered))

    def dmarc_record(self, from_domain: str) -> dict[str, str] | None:
        """The DMARC tags for the From domain, falling back to its organisational domain.

        RFC 7489 §6.6.3: records that are not DMARC records are discarded; the organisational
        domain is asked only when the From domain has none; several records, or none at
        either name, mean no DMARC policy (the caller then demands a pass for exactly the
        From domain). A record without a valid p= (or with an invalid sp=) counts as p=none
        when it names a report address (rua=), and as no policy otherwise (step 6).
        """
        for candidate in dict.fromkeys((from_domain, organizational_domain(from_domain))):
            records = [
                record
                for record in self.resolver.query(f"_dmarc.{candidate}", "TXT")
                if _is_dmarc_record(record)
            ]
            if not records:
                continue
            if len(records) > 1:
                return None
            tags = _tags(records[0])
            if (
                tags.get("p") not in _DMARC_POLICIES
                or tags.get("sp", "none") not in _DMARC_POLICIES
            ):
                if not tags.get("rua"):
                    return None
                tags["p"] = "none"
                tags.pop("sp", None)
            if candidate != from_domain and "sp" in tags:
                tags["p"] = tags["sp"]
            return tags
        return None

    def _dkim_key_records(self, name: bytes | str, timeout: int = 5) -> list[bytes]:
        """Every TXT record at a DKIM key's name; DnsTimeoutError if DNS did not answer."""
        text = name.decode("ascii", "replace") if isinstance(name, bytes) else name
        try:
            records = self.resolver.query(text.rstrip("."), "TXT")
        except DnsTemporaryError as error:
            raise dkim.DnsTimeoutError(str(error)) from None
        return [record.encode("utf-8") for record in records]


class _DkimVerifier(dkim.DKIM):  # type: ignore[misc]
    """dkimpy's verifier, reading the mail and its body the way the relay's signer does.

    dkimpy splits the whole mail at every line break with a regular expression and, for each
    relaxed signature, runs two whitespace regexes over the whole body: 20-28 ms of CPU for a
    signed 200 kB mail with a PDF, 1.5-2 ms at 4 kB, where an unsigned mail's SPF and DMARC
    take 0.1 ms. The header split and the relaxed body are outbound's (`dkim_headers_and_body`,
    `relaxed_body`: dkimpy's bytes for any input, compared by test); the canonical body is
    made once per canonicalisation, not once per signature. The body hash is checked here; for
    an RSA key the header hash follows dkimpy's steps with dkimpy's functions and the RSA check
    is OpenSSL's where that gives dkimpy's verdict (_rsa_verify); anything else (Ed25519,
    TLSRPT) is dkimpy's verify_sig_process without the body hash.
    """

    def set_message(self, message: bytes | None) -> None:
        super().set_message(None)
        if message:
            self.headers, self.body = dkim_headers_and_body(message)
        self._canonical_bodies: dict[bytes, bytes] = {}

    def verify_sig(
        self,
        sig: dict[bytes, bytes],
        include_headers: list[bytes],
        sig_header: tuple[bytes, bytes],
        dnsfunc: Callable[..., list[bytes]],
    ) -> bool:
        """dkimpy's, with every TXT record at the selector tried, and a key lookup that DNS
        could not answer raising DnsTimeoutError. `dnsfunc` answers all the records.

        dkimpy catches that error in its own verify_sig and answers False, the verdict of a
        bad signature: a DNS hiccup at our end made the sender's DMARC fail and its mail was
        refused for good (550) where RFC 6376 §6.1.2 has the verifier try again later (DKIM
        temperror in RFC 8601; the relay answers 451). A key record that does not exist (no
        such name, no TXT) still reads as False, a permanent failure by the same section.

        Several TXT records at the selector are "undefined" (RFC 6376 §3.6.2.2); §6.1.2 lets
        the verifier pick one or cycle through them, passing if one does. dkimpy takes the
        first of the answer, whose order DNS servers rotate, so its verdict changes from one
        lookup to the next when a stale key or another TXT record shares the name; here each
        record is tried in turn: the signature verifies if it does with any of them, the same
        verdict as dkimpy's whenever the record dkimpy would pick is the one that verifies.
        A record split into several character-strings is their concatenation, without a
        separator (§3.6.2.2; the resolver joins them, as dkimpy does).
        """
        name = sig[b"s"] + b"._domainkey." + sig[b"d"] + b"."
        records: list[bytes | None] = list(dnsfunc(name, timeout=self.timeout)) or [None]
        refusal: dkim.DKIMException | None = None
        for record in records:

            def this_record(
                _name: bytes, timeout: int = 5, record: bytes | None = record
            ) -> bytes | None:
                return record

            try:
                # A copy: verify_sig_process appends to the list it is given.
                if super().verify_sig(sig, list(include_headers), sig_header, this_record):
                    return True
            except dkim.DKIMException as error:
                refusal = error
        if refusal is not None:
            raise refusal
        return False

    def verify_sig_process(
        self,
        sig: dict[bytes, bytes],
        include_headers: list[bytes],
        sig_header: tuple[bytes, bytes],
        dnsfunc: object,
    ) -> bool:
        if b"bh" in sig:
            self._check_body_hash(sig)
        rest = {name: value for name, value in sig.items() if name != b"bh"}
        if self.ktag != b"rsa" or self.tlsrpt or self.seqtlsrpt:
            return bool(super().verify_sig_process(rest, include_headers, sig_header, dnsfunc))
        # dkimpy's steps after the body hash, with the RSA check done by OpenSSL where that
        # gives dkimpy's answer (_rsa_verify): dkimpy's own is Python arithmetic, 1.8 ms a
        # signature against OpenSSL's 0.13 ms on a loaded machine.
        policy = _canonicalization(sig)
        if b"from" in include_headers:
            include_headers.append(b"from")
        digest = dkim.HASH_ALGORITHMS[sig[b"a"]]()
        self.signed_headers = dkim.hash_headers(
            digest,
            policy,
            policy.canonicalize_headers(self.headers),
            include_headers,
            sig_header,
            sig,
        )
        signature = base64.b64decode(re.sub(rb"\s+", b"", sig[b"b"]))
        try:
            valid = _rsa_verify(digest, signature, self.pk)
        except (TypeError, dkim.crypto.DigestTooLargeError) as error:
            raise dkim.KeyFormatError(f"digest too large for modulus: {error}") from None
        if valid and self.keysize < self.minkey:
            raise dkim.KeyFormatError(f"public key too small: {self.keysize}")
        return valid

    def _check_body_hash(self, sig: dict[bytes, bytes]) -> None:
        """dkimpy's check of bh= (verify_sig_process), on the canonical body made once."""
        policy = _canonicalization(sig)
        body = self._canonical_body(policy.body_algorithm)
        if b"l" in sig and not self.tlsrpt:
            body = body[: int(sig[b"l"])]
        digest = dkim.HASH_ALGORITHMS[sig[b"a"]](body).digest()
        try:
            expected = base64.b64decode(re.sub(rb"\s+", b"", sig[b"bh"]))
        except TypeError as error:
            raise dkim.MessageFormatError(str(error)) from None
        if digest != expected:
            raise dkim.ValidationError(
                f"body hash mismatch (got {base64.b64encode(digest)!r}, expected {sig[b'bh']!r})"
            )

    def _canonical_body(self, algorithm: type[Simple | Relaxed]) -> bytes:
        found = self._canonical_bodies.get(algorithm.name)
        if found is None:
            found = (
                relaxed_body(self.body)
                if algorithm is Relaxed
                else algorithm.canonicalize_body(self.body)
            )
            self._canonical_bodies[algorithm.name] = found
        return found


def _canonicalization(sig: dict[bytes, bytes]) -> CanonicalizationPolicy:
    try:
        return CanonicalizationPolicy.from_c_value(sig.get(b"c", b"simple/simple"))
    except InvalidCanonicalizationPolicyError as error:
        raise dkim.MessageFormatError(f"invalid c= value: {error.args[0]}") from None


def _rsa_verify(digest: Any, signature: bytes, public_key: dict[str, int]) -> bool:
    """dkimpy's RSASSA_PKCS1_v1_5_verify, done by OpenSSL for the keys of real signers (1024 to
    4096 bits, exponent 65537 or 3) and a signature as long as the modulus and below it.

    Anything else goes to dkimpy's own arithmetic, which reduces a longer or larger signature
    modulo n and takes any exponent, where OpenSSL would refuse: the verdict stays dkimpy's.
    """
    modulus, exponent = public_key["modulus"], public_key["publicExponent"]
    length = (modulus.bit_length() + 7) // 8
    algorithm = _OPENSSL_HASHES.get(digest.name.lower())
    if (
        algorithm is None
        or exponent not in (3, 65537)
        or not 128 <= length <= 512
        or len(signature) != length
        or int.from_bytes(signature, "big") >= modulus
    ):
        return bool(dkim.crypto.RSASSA_PKCS1_v1_5_verify(digest, signature, public_key))
    try:
        _openssl_key(modulus, exponent).verify(
            signature, digest.digest(), padding.PKCS1v15(), Prehashed(algorithm)
        )
    except InvalidSignature:
        return False
    return True


_OPENSSL_HASHES: dict[str, hashes.HashAlgorithm] = {
    "sha256": hashes.SHA256(),
    "sha1": hashes.SHA1(),  # noqa: S303 (rsa-sha1 signatures are still checked, as dkimpy does)
}


@functools.lru_cache(maxsize=256)
def _openssl_key(modulus: int, exponent: int) -> rsa.RSAPublicKey:
    return rsa.RSAPublicNumbers(exponent, modulus).public_key()


_SPF_RESULTS = frozenset({"pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"})


_DMARC_POLICIES = frozenset({"none", "quarantine", "reject"})


def _is_dmarc_record(record: str) -> bool:
    """Whether a TXT record is a DMARC record: its first tag is v=DMARC1 (RFC 7489 §6.4).

    The value must be exactly DMARC1 (a "v=DMARC10" record is not one); its case is not
    checked, as receivers commonly read "v=dmarc1" as a record.
    """
    name, sep, value = record.partition(";")[0].partition("=")
    return bool(sep) and name.strip().lower() == "v" and value.strip().lower() == "dmarc1"


def _tags(record: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for part in record.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            tags[key.strip().lower()] = value.strip().lower()
    return tags


# A DNS question and its answer: (name, type, records).
_Asked = tuple[str, RecordType, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _SpfVerdict:
    """An SPF verdict with the DNS questions its evaluation asked, in order, and their answers."""

    asked: tuple[_Asked, ...]
    result: SpfResult


# Verdicts kept per authenticator: one per (client address, MAIL FROM, HELO) that sends.
MAX_SPF_VERDICTS = 4096


class _SpfVerdicts:
    """Kept SPF verdicts by (client address, MAIL FROM, HELO), the oldest dropped when full."""

    def __init__(self, limit: int = MAX_SPF_VERDICTS) -> None:
        self._limit = limit
        self._verdicts: dict[tuple[str, str, str], _SpfVerdict] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, str]) -> _SpfVerdict | None:
        return self._verdicts.get(key)

    def keep(self, key: tuple[str, str, str], verdict: _SpfVerdict) -> None:
        with self._lock:
            self._verdicts.pop(key, None)
            while len(self._verdicts) >= self._limit:
                del self._verdicts[next(iter(self._verdicts))]
            self._verdicts[key] = verdict


class _RecordingResolver:
    """A resolver passing questions on, keeping each answered one and noting a failed one."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self.asked: list[_Asked] = []
        self.failed = False

    def query(self, name: str, rtype: RecordType) -> list[str]:
        try:
            answers = self._resolver.query(name, rtype)
        except DnsTemporaryError:
            self.failed = True
            raise
        self.asked.append((name, rtype, tuple(answers)))
        return answers


class _SpfQuery(spf.query):  # type: ignore[misc]
    """pyspf's evaluation with its DNS lookups sent to our resolver (limits kept)."""

    def __init__(self, resolver: Resolver, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._resolver = resolver

    def dns(
        self, name: str, qtype: str, cnames: object = None, ignore_void: bool = False
    ) -> list[Any]:
        if not name:
            raise spf.PermError("invalid DNS query: empty name")
        key = str(name).rstrip(".").lower()
        try:
            answers = self._resolver.query(key, cast(RecordType, qtype))
        except DnsTemporaryError as error:
            raise spf.TempError(f"DNS {error}") from None
        result: list[Any]
        if qtype in ("TXT", "SPF"):
            result = [[answer.encode("utf-8")] for answer in answers]
        elif qtype == "MX":
            result = []
            for answer in answers:
                preference, _, host = answer.partition(" ")
                result.append((int(preference), host))
        else:
            result = list(answers)
        if not result and not ignore_void:
            self.void_lookups += 1
            if self.void_lookups > spf.MAX_VOID_LOOKUPS:
                raise spf.PermError(f"void lookup limit of {spf.MAX_VOID_LOOKUPS} exceeded")
        return result


def reverse_name(ip: str) -> str:
    """The PTR name of an address, as a zone for StaticResolver lists it."""
    return dns.reversename.from_address(ip).to_text(omit_final_dot=True)
