"""Attachment contents on disk, content-addressed: `<folder>/<ab>/<cd>/<sha256>`.

Two levels of two hex characters keep any one directory small (65,536 folders for millions of
files). A file is written to a temporary name, flushed to disk and renamed into place, so a reader
never sees half a file and a crash leaves at most a stray temporary file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from gobetween.domain.errors import NotFound


class FolderBlobStore:
    """A BlobStore in a folder of the local file system."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def path_of(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self._folder / sha256[:2] / sha256[2:4] / sha256

    def put(self, sha256: str, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("the data does not match its SHA-256")
        target = self.path_of(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, sha256: str) -> bytes:
        try:
            return self.path_of(sha256).read_bytes()
        except FileNotFoundError:
            raise NotFound("attachment", sha256) from None
