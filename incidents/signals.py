"""Signals of the incidents app for the apps built on it (they connect; incidents never imports them).

`records_created(sender=model, records=[...])`: records written in bulk (an import's
`bulk_create`, which sends no post_save), inside the transaction that writes them.
"""

from django.dispatch import Signal

records_created = Signal()
