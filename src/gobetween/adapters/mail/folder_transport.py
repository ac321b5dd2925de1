"""A transport that delivers each mail as a file in a folder: the stand-in for real SMTP."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from gobetween.services.ports import OutboundMail

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class FolderTransport:
    """Writes `<delivery_key>.eml` atomically; a retry replaces the file, never adds another."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def file_for(self, delivery_key: str) -> Path:
        """Where the mail with this delivery key lands."""
        name = _UNSAFE.sub("_", delivery_key)
        if not name.strip("._"):
            raise ValueError(f"delivery key {delivery_key!r} gives no usable file name")
        return self.path / f"{name}.eml"

    def deliver(self, mail: OutboundMail) -> None:
        """Write the mail's bytes to a temporary file, flush to disk, then rename into place."""
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.file_for(mail.delivery_key)
        handle, temporary = tempfile.mkstemp(dir=self.path, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(mail.data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        # The rename is durable only once the directory entry is.
        directory = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
