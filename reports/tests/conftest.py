import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English (the msgids); pages are asked for in English too."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
