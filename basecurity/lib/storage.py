"""Stored files that follow their transaction: no orphan file when a save fails.

A FileField writes its file to the storage when the row is saved, before the transaction commits;
if the save fails afterwards (the database refuses, the disk fills up with the next file), the
transaction rolls back but the files already written would stay on disk, referenced by nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models.fields.files import FieldFile


@contextmanager
def removed_on_failure() -> Iterator[list[FieldFile]]:
    """Append each file stored inside the block to the yielded list; if the block raises, they are
    deleted from their storage. Put it outside the block's `transaction.atomic()`:

        with removed_on_failure() as stored, transaction.atomic():
            answer.save()
            stored.append(answer.attachment)
    """
    stored: list[FieldFile] = []
    try:
        yield stored
    except BaseException:
        for file in stored:
            if file.name:
                file.storage.delete(file.name)
        raise
