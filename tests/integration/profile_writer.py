"""Writes one operator policy profile from its own process, as another web worker would.

usage: profile_writer.py DATABASE_URL NAME DEFINITION_JSON

Run by test_profiles_across_processes.py: the profile registry is per process, so only a write
from another process shows whether this one's checks pick it up.
"""

from __future__ import annotations

import json
import sys

from gobetween.bootstrap import build_platform, load_settings
from gobetween.bootstrap.access import build_api_services
from gobetween.services.administration import put_policy_profile


def main(database_url: str, name: str, definition: str) -> None:
    platform = build_platform(load_settings(environ={"GOBETWEEN_DATABASE_URL": database_url}))
    try:
        services = build_api_services(platform)
        put_policy_profile(
            name, json.loads(definition), uow=services.unit_of_work(), clock=platform.clock
        )
    finally:
        platform.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
