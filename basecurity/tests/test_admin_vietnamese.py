"""The admin reads Vietnamese in Vietnamese mode: third-party apps (axes, django-celery-beat,
simple-history) and the Django strings its catalog lacks get the project's translations
(basecurity/admin_words.py), with "Lịch sử" for History and "đồng chí" in the greeting."""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from basecurity.testing.html import tree

# English words of the strings the admin showed untranslated before (index, lists, add pages).
ENGLISH = re.compile(
    r"\b(Access|attempts?|failures?|logs?|Axes|Periodic|Tasks?|Clocked|Crontabs?|Intervals?|Solar|events?|Toggle|"
    r"theme|Skip|content|Model|link|Show|counts|Schedule|Arguments|Positional|Keyword|Enabled|Disabled|Expires|"
    r"Priority|Queue|Routing|Exchange|Latitude|Longitude|Minutes?|Hours?|Months?|Week|Timezone|History|Welcome|"
    r"Password|authentication|Path|Datetime|Number|Periods|Event|Description|Name|View|selected|Revert|Changed)\b"
)
SHOWN = (
    "//body//text()[not(ancestor::script) and not(ancestor::option) and not(ancestor::textarea)"
    " and not(ancestor::*[@id='result_list']/tbody) and not(ancestor::div[contains(@class, 'readonly')])]"
    " | //body//@title | //body//@placeholder | //body//input[@type='submit']/@value | //title/text()"
)


def admin_pages(user) -> list[str]:
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    return urls


@pytest.mark.django_db
def test_the_admin_has_no_english_left_in_vietnamese(roles, units, client_for):
    client = client_for(roles.admin)
    unit = next(iter(units.values()))
    pages = [*admin_pages(roles.admin), reverse("admin:communes_administrativeunit_history", args=[unit.pk])]
    assert len(pages) > 40
    english = {}
    for url in pages:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert page.status_code == 200, url
        for text in (" ".join(str(node).split()) for node in tree(page).xpath(SHOWN)):
            if ENGLISH.search(text):
                english.setdefault(url, set()).add(text)
    assert english == {}


def test_django_words_the_project_writes_otherwise(roles, client_for):
    page = client_for(roles.admin).get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="vi")
    assert "Chào đồng chí," in " ".join(tree(page).xpath("//div[@id='user-tools']//text()"))
    names = [" ".join(t.split()) for t in tree(page).xpath("//div[@id='content-main']//caption//a/text()")]
    assert {"Tác vụ định kỳ", "Đăng nhập vào hệ thống"} <= set(names)


def test_the_pages_django_writes_call_the_reader_dong_chi(roles, client, client_for):
    """Django's login, password and delete-confirmation pages say "đồng chí", never "bạn" (docs/wording.md)."""
    pages = [client.get(reverse("admin:login"), HTTP_ACCEPT_LANGUAGE="vi")]
    admin_client = client_for(roles.admin)
    pages.append(admin_client.get(reverse("admin:password_change"), HTTP_ACCEPT_LANGUAGE="vi"))
    pages.append(
        admin_client.get(reverse("admin:auth_user_delete", args=[roles.outsider.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    )
    for page in pages:
        assert page.status_code == 200
        words = " ".join(tree(page).xpath("//body//text()"))
        assert not re.search(r"\bbạn\b", words, re.IGNORECASE), words
