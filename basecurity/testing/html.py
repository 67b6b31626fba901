"""Read a rendered page by its elements, so that assertions never depend on what else the page shows
(a date like 01/12/2026 contains "2/2"; a page-wide substring count breaks on such days)."""

from lxml import html as lxml_html


def tree(response_or_text):
    text = response_or_text if isinstance(response_or_text, str) else response_or_text.content.decode()
    return lxml_html.fromstring(text)


def texts(response_or_text, xpath: str) -> list[str]:
    """The whitespace-normalised text of each element the XPath selects, in page order."""
    return [" ".join(element.text_content().split()) for element in tree(response_or_text).xpath(xpath)]


def text(response_or_text, xpath: str) -> str:
    """The text of the one element the XPath selects (fails if there is not exactly one)."""
    found = texts(response_or_text, xpath)
    assert len(found) == 1, f"{xpath!r} selects {len(found)} elements"
    return found[0]
