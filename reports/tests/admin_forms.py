"""What a browser would post from an admin change form: every field of the form with its shown value.

Admin change forms carry inline formsets (management form, one prefix per row); reading the rendered
page is the simplest way to post them back exactly as an administrator would, then change a few values.
"""

from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "file", "image", "reset"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, str] = {}
        self._select: tuple[str, bool] | None = None
        self._selected: list[str] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in SKIPPED_INPUTS or (kind in ("checkbox", "radio") and "checked" not in attrs):
                return
            self.data[name] = attrs.get("value", "on" if kind in ("checkbox", "radio") else "")
        elif tag == "select" and name:
            self._select, self._selected = (name, "multiple" in attrs), []
        elif tag == "option" and self._select and "selected" in attrs:
            self._selected.append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            name, multiple = self._select
            if not multiple:
                self.data[name] = self._selected[0] if self._selected else ""
            elif self._selected:
                self.data[name] = self._selected
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.data[self._textarea] = text[1:] if text.startswith("\n") else text  # as browsers do
            self._textarea = None


def change_form_data(response, model_name: str) -> dict:
    """The POST data of the admin form `<model_name>_form` on a rendered change (or add) page."""
    reader = _FormReader(f"{model_name}_form")
    reader.feed(response.content.decode())
    assert reader.data, f"no form {model_name}_form on the page"
    return reader.data


def inline_rows(data: dict, prefix: str) -> dict[int, str]:
    """{row index: pk} of the stored rows of the inline `prefix` in posted data."""
    total = int(data[f"{prefix}-INITIAL_FORMS"])
    return {index: data[f"{prefix}-{index}-id"] for index in range(total)}
