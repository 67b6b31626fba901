"""Signals of the incidents app for the apps built on it (they connect; incidents never imports them).

`records_created(sender=model, records=[...])`: records written in bulk (an import's
`bulk_create`, which sends no post_save), inside the transaction that writes them. It is
communes.services' signal, which every importer (communes/imports.py too) sends.
"""

from communes.services import records_created

__all__ = ["records_created"]
