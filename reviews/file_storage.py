"""Where the files the app generates live: a named storage, never a path on this machine.

Web nodes and workers may run on different machines, so a file the worker builds
is saved through Django's storage API (``STORAGES["exports"]``) and served and
deleted through it too: a file system under ``MEDIA_ROOT/exports`` on one machine
(the default), or object storage shared by every node (``FILE_STORAGE=s3``).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property


class ExportFileStorage(FileSystemStorage):
    """``MEDIA_ROOT/exports`` unless a ``location`` is given; follows ``MEDIA_ROOT``
    when it changes (tests), as Django's own file system storage does."""

    @cached_property
    def base_location(self) -> str:
        location = getattr(self, "_location", None)  # the ``location`` option, if given
        return str(self._value_or_setting(location, os.path.join(settings.MEDIA_ROOT, "exports")))


def export_storage() -> Storage:
    """The storage of built export files (``STORAGES["exports"]``)."""
    return storages["exports"]
