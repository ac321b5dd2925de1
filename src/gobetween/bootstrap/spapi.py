"""Wiring of the SP-API compatible surface on top of the messaging API's wiring."""

from __future__ import annotations

from dataclasses import dataclass, replace

from gobetween.adapters.attachment_folder import FolderBlobStore
from gobetween.adapters.db.spapi_store import SqlSpapiUnitOfWork
from gobetween.bootstrap.access import ApiServices
from gobetween.services.spapi import Spapi


@dataclass(frozen=True, slots=True)
class SpapiServices:
    """What the SP-API routes and the `gobetween spapi` commands are handed."""

    api: ApiServices

    def unit_of_work(self) -> SqlSpapiUnitOfWork:
        """A fresh unit of work with the API's repositories and the SP-API store."""
        return SqlSpapiUnitOfWork(self.api.platform.engine)

    @property
    def blobs(self) -> FolderBlobStore:
        return self.api.blobs

    @property
    def spapi(self) -> Spapi:
        # The same send path as the native API, on a unit of work that also sees the SP-API store.
        sending = replace(self.api.sending, uow_factory=self.unit_of_work)
        return Spapi(uow_factory=self.unit_of_work, sending=sending, clock=self.api.platform.clock)


def build_spapi_services(api: ApiServices) -> SpapiServices:
    """Wire the SP-API surface on the messaging API's services."""
    return SpapiServices(api=api)
