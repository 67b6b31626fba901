"""Session lifetime (the idle limit SESSION_COOKIE_AGE, the absolute one SESSION_ABSOLUTE_LIFETIME)
and language."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control

SESSION_STARTED_KEY = "basecurity_session_started"
SESSION_RENEWED_KEY = "basecurity_session_renewed"


@receiver(user_logged_in)
def _remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = request.session[SESSION_RENEWED_KEY] = time.time()


class SessionLifetimeMiddleware:
    """A signed-in session ends SESSION_COOKIE_AGE after its last renewal (idle) and
    SESSION_ABSOLUTE_LIFETIME after login, however active.

    A request renews the session (saved with a new expiry, the cookie sent again) when the last
    renewal is SESSION_RENEW_AFTER seconds old or more, not on every request: saving it every time
    was a write and a transaction on each page (docs/benchmarks.md, "Lists that scale"). The idle
    limit is thus kept to within SESSION_RENEW_AFTER.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED_KEY, now)
            if now - started > settings.SESSION_ABSOLUTE_LIFETIME.total_seconds():
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - session.get(SESSION_RENEWED_KEY, 0) >= settings.SESSION_RENEW_AFTER:
                session[SESSION_RENEWED_KEY] = now  # modified: SessionMiddleware saves it
        return self.get_response(request)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the switch (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an official whose
    office PC was installed in English would get English pages; the UI is Vietnamese first.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PrivatePagesMiddleware:
    """Every response to a signed-in user is `Cache-Control: no-store` (issue 12): pages, exports
    and attachments may show personal data (names, citizen IDs), which no browser cache, shared
    computer or proxy should keep. Static files are served by WhiteNoise before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
