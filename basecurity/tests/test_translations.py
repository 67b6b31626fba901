"""Every user-visible string has a Vietnamese translation (Vietnamese is the first language)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SOURCE_DIRS = ["basecurity", "communes", "incidents", "reintegration", "dashboards", "reports", "templates"]


def catalog_entries(po_file: Path) -> dict[str, tuple[str, bool]]:
    """msgid -> (msgstr, fuzzy) for a .po file; plural entries keyed by their singular msgid."""
    entries: dict[str, tuple[str, bool]] = {}
    block: list[str] = []
    for line in po_file.read_text(encoding="utf-8").split("\n") + [""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            fuzzy = any(b.startswith("#,") and "fuzzy" in b for b in block)
            fields: dict[str, str] = {}
            current = ""  # the key a continued string ('"…"' lines) adds to
            for b in block:
                if b.startswith("#"):
                    continue
                if b.startswith('"'):
                    fields[current] += b[1:-1]
                else:
                    current, _, value = b.partition(" ")
                    fields[current] = value[1:-1]
            msgid = fields.get("msgid", "")
            if msgid:
                entries[msgid] = (fields.get("msgstr", fields.get("msgstr[0]", "")), fuzzy)
            block = []
    return entries


def po_files() -> list[Path]:
    return sorted(p for d in ["locale", *SOURCE_DIRS] for p in (ROOT / d).glob("**/vi/LC_MESSAGES/django.po"))


def test_every_catalog_entry_is_translated():
    files = po_files()
    assert files, "locale/vi/LC_MESSAGES/django.po is missing"
    missing = [
        f"{po.relative_to(ROOT)}: {msgid!r}"
        for po in files
        for msgid, (msgstr, fuzzy) in catalog_entries(po).items()
        if not msgstr or fuzzy
    ]
    assert not missing, "untranslated or fuzzy:\n" + "\n".join(missing)


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed")
def test_catalogs_hold_every_string_of_the_source(tmp_path):
    """Extract the strings again from a copy of the source: none may be missing from the catalogs."""
    for name in ["manage.py", "locale", *SOURCE_DIRS]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests"))
        else:
            shutil.copy(source, tmp_path / name)
    before = {msgid for po in po_files() for msgid in catalog_entries(po)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        check=True,
        env={"DJANGO_DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    after = {msgid for po in tmp_path.glob("**/vi/LC_MESSAGES/django.po") for msgid in catalog_entries(po)}
    assert not sorted(after - before), f"strings missing from the catalogs: {sorted(after - before)}"
