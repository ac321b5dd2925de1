"""Wiring of the messaging API: its unit of work, the attachment store and the send collaborators.

Built once per process from the platform (`build_api_services(platform)`); entry points (the HTTP
API, `gobetween tokens`) take what they need from it and never build adapters themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gobetween.adapters.attachment_folder import FolderBlobStore
from gobetween.adapters.db.access_unit_of_work import SqlAccessUnitOfWork
from gobetween.bootstrap import Platform
from gobetween.services.sending import Sending


@dataclass(frozen=True, slots=True)
class ApiServices:
    """What the API's routes and commands are handed."""

    platform: Platform
    blobs: FolderBlobStore

    def unit_of_work(self) -> SqlAccessUnitOfWork:
        """A fresh unit of work with the core's and the API's repositories."""
        return SqlAccessUnitOfWork(self.platform.engine)

    @property
    def sending(self) -> Sending:
        # A due look at the stored policy profiles happens here, before the send's write
        # transaction, so that rebuilding an edited profile never holds the write lock.
        self.platform.stored_profiles.refresh_if_due()
        return Sending(
            uow_factory=self.unit_of_work,
            blobs=self.blobs,
            clock=self.platform.clock,
            limits=self.platform.messaging_limits,
            check_policy=self.platform.check_policy,
            window_days=self.platform.settings.proactive_window_days,
        )


def build_api_services(platform: Platform) -> ApiServices:
    """Wire the API on `platform`, registering the operator's stored policy profiles."""
    services = ApiServices(
        platform=platform, blobs=FolderBlobStore(Path(platform.settings.attachment_folder))
    )
    # Registered now rather than at the first check; kept current by the platform's check after
    # that. Not migrated yet: /health says so, and the next look registers them.
    platform.stored_profiles.refresh_now()
    return services
