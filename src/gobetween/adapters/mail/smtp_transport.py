"""The delivery worker's SMTP transport: hand each mail to the smarthost, sort failures by class.

4xx replies and connection trouble are temporary (the worker retries with backoff, up to the
retry window of 5 days); 5xx replies are permanent: the sender is told with a DSN (through the
`on_permanent_failure` hook) and the row is marked failed.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable

from gobetween.services.ports import OutboundMail, PermanentDeliveryError, TemporaryDeliveryError

log = logging.getLogger(__name__)

PermanentFailureHook = Callable[[OutboundMail, str], None]


class SmtpTransport:
    """Delivers over SMTP to one smarthost; one connection per mail keeps failures apart."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        timeout: float = 60.0,
        helo: str | None = None,
        on_permanent_failure: PermanentFailureHook | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout
        self.helo = helo
        self.on_permanent_failure = on_permanent_failure

    def deliver(self, mail: OutboundMail) -> None:
        """Send the exact bytes; raise Temporary/PermanentDeliveryError naming the reply."""
        try:
            with smtplib.SMTP(
                self.host, self.port, timeout=self.timeout, local_hostname=self.helo
            ) as client:
                client.ehlo_or_helo_if_needed()
                client.sendmail(mail.sender, [mail.recipient], mail.data)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            self._fail(mail, code, reply)
        except smtplib.SMTPResponseException as error:
            self._fail(mail, error.smtp_code, error.smtp_error)
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryDeliveryError(f"smarthost {self.host}:{self.port}: {error}") from None

    def _fail(self, mail: OutboundMail, code: int, reply: bytes | str) -> None:
        text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
        diagnostic = f"{code} {' '.join(text.split())}"
        if 500 <= code < 600:
            if self.on_permanent_failure is not None:
                self.on_permanent_failure(mail, diagnostic)
            raise PermanentDeliveryError(diagnostic)
        raise TemporaryDeliveryError(diagnostic)
