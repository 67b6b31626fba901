"""Read a rendered page by its elements, so that assertions never depend on what else the page shows
(a date like 01/12/2026 contains "2/2"; a page-wide substring count breaks on such days)."""

from lxml import html as lxml_html


def tree(response_or_text):
    text = response_or_text if isinstance(response_or_text, str) else response_or_text.content.decode()
    return lxml_html.fromstring(text)


def texts(response_or_text, xpath: str) -> list[str]:
    """The whitespace-normalised text of each element (or attribute value) the XPath selects, in page order."""
    return [
        " ".join((found if isinstance(found, str) else found.text_content()).split())
        for found in tree(response_or_text).xpath(xpath)
    ]


def table_rows(response_or_text, table_id: str) -> list[list[str]]:
    """The cells' texts of each body row of the table with this id."""
    rows = tree(response_or_text).xpath(f"//table[@id='{table_id}']/tbody/tr")
    return [[" ".join(cell.text_content().split()) for cell in row.xpath("./td")] for row in rows]


def text(response_or_text, xpath: str) -> str:
    """The text of the one element the XPath selects (fails if there is not exactly one)."""
    found = texts(response_or_text, xpath)
    assert len(found) == 1, f"{xpath!r} selects {len(found)} elements"
    return found[0]


def form_values(response_or_text, xpath: str = "//form[@method='post']") -> dict[str, list[str]]:
    """What a browser would send for the one form the XPath selects, as the page shows it
    (hidden fields, such as a one-time token or a version, included): {name: [values]}."""
    forms = tree(response_or_text).xpath(xpath)
    assert len(forms) == 1, f"{xpath!r} selects {len(forms)} forms"
    values: dict[str, list[str]] = {}
    for element in forms[0].xpath(".//input[@name] | .//select[@name] | .//textarea[@name]"):
        name = element.get("name")
        if element.tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                continue
            if kind in {"checkbox", "radio"} and element.get("checked") is None:
                continue
            value = element.get("value", "on" if kind in {"checkbox", "radio"} else "")
        elif element.tag == "textarea":
            value = element.text or ""
            value = value[1:] if value.startswith("\n") else value
        else:
            options = element.xpath(".//option")
            chosen = [option for option in options if option.get("selected") is not None] or options[:1]
            for option in chosen:
                values.setdefault(name, []).append(option.get("value", option.text_content()))
            continue
        values.setdefault(name, []).append(value)
    return values
