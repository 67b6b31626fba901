"""The scenarios of communes/submissions.py, run the same way on every kind of record's pages:
a create form posted twice, a save from a stale edit form, a save the database refuses."""

from collections.abc import Callable
from dataclasses import dataclass, field
from unittest import mock

from django.db import OperationalError
from django.test import Client
from django.utils import translation

from communes.submissions import already_saved_message

from .html import form_values, texts

VERSION = "version"
TOKEN = "submission_token"


@dataclass
class Pages:
    """One kind of record's pages: `create_url`, `edit_url(record)`, `detail_url(record)` (where a
    saved create form leads), `records()` (the queryset to count), `text_field` (a text field of the
    edit form), and `create_data(edit_values)` turning a filled edit form into a new record's data."""

    create_url: str
    edit_url: Callable
    detail_url: Callable
    records: Callable
    text_field: str
    create_data: Callable[[dict], dict] = field(default=lambda values: values)
    form_xpath: str = "//main//form[@method='post']"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def message_texts(response) -> list[str]:
    return texts(response, "//main/div[contains(@class, 'alert-dismissible')]")


def new_record_data(client, pages: Pages, existing) -> dict:
    """A valid create form: the values of `existing`'s edit form in the create form just shown."""
    edit = form_values(client.get(pages.edit_url(existing)), pages.form_xpath)
    create = form_values(client.get(pages.create_url), pages.form_xpath)
    assert create.get(TOKEN, [""])[0], "the create form carries a one-time token"
    values = {name: value for name, value in edit.items() if name not in {VERSION, "csrfmiddlewaretoken"}}
    return create | pages.create_data(values) | {TOKEN: create[TOKEN]}


def assert_created_once(client, pages: Pages, existing) -> object:
    """Post the same create form twice: one record; the second answer leads to it, saying "Đã lưu"."""
    data = new_record_data(client, pages, existing)
    before = pages.records().count()
    first = client.post(pages.create_url, data)
    assert first.status_code == 302, form_errors(first)
    client.get(first["Location"])  # the first answer's message is read
    assert pages.records().count() == before + 1
    created = pages.records().order_by("-pk").first()
    second = client.post(pages.create_url, data, follow=True)
    assert pages.records().count() == before + 1
    assert second.redirect_chain[-1][0] == pages.detail_url(created)
    with translation.override("vi"):
        assert message_texts(second) == [already_saved_message()]
    assert message_texts(second)[0].startswith("Đã lưu")
    return created


def assert_stale_edit_refused(user, pages: Pages, record) -> None:
    """Two people open the same edit form; the second to save is refused (nothing overwritten), sees
    both versions of the field, and saving again applies their value."""
    mine, theirs = logged_in(user), logged_in(user)
    my_form = form_values(mine.get(pages.edit_url(record)), pages.form_xpath)
    their_form = form_values(theirs.get(pages.edit_url(record)), pages.form_xpath)
    assert my_form[VERSION] == their_form[VERSION]
    field_name = pages.text_field

    saved = theirs.post(pages.edit_url(record), their_form | {field_name: ["Their text"]})
    assert saved.status_code == 302, form_errors(saved)
    version = type(record).objects.get(pk=record.pk).version

    stale = mine.post(pages.edit_url(record), my_form | {field_name: ["My text"]})
    assert stale.status_code == 409
    stored = type(record).objects.get(pk=record.pk)
    assert (getattr(stored, field_name), stored.version) == ("Their text", version)
    row = "//table[@id='stale-versions']/tbody/tr[td[@class='stale-mine']='My text']"
    assert texts(stale, f"{row}/td[@class='stale-saved']") == ["Their text"]
    again = form_values(stale, pages.form_xpath)
    assert again[field_name] == ["My text"] and again[VERSION] == [str(version)]

    applied = mine.post(pages.edit_url(record), again)
    assert applied.status_code == 302, form_errors(applied)
    assert getattr(type(record).objects.get(pk=record.pk), field_name) == "My text"


def assert_database_failure_keeps_the_text(user, pages: Pages, record, target: str) -> None:
    """The database fails during the save (`target`, a service function, raises OperationalError):
    the form comes back with the officer's text and a message, nothing is written."""
    client = logged_in(user)
    data = form_values(client.get(pages.edit_url(record)), pages.form_xpath) | {pages.text_field: ["Typed text"]}
    with mock.patch(target, side_effect=OperationalError("database is down")):
        response = client.post(pages.edit_url(record), data)
    assert response.status_code == 503
    assert form_values(response, pages.form_xpath)[pages.text_field] == ["Typed text"]
    assert any("Không lưu được" in text for text in texts(response, "//form//div[contains(@class, 'alert')]"))
    assert getattr(type(record).objects.get(pk=record.pk), pages.text_field) != "Typed text"


def form_errors(response) -> list[str]:
    if response.status_code == 302:
        return []
    return texts(response, "//*[contains(@class, 'invalid-feedback') or contains(@class, 'alert')]")
