"""Modules that installed apps offer by a conventional name, without their callers importing them.

Dependencies flow communes ← incidents ← reintegration ← dashboards ← reports, yet an app on the
left sometimes needs what the apps on its right add: the demo data (`demo`), the importers
(`importers`), the dashboards' sections (`dashboard_sections`), the scope walk's declarations
(`tests.scope_walk`). Django's `autodiscover_modules` imports `<app>.<name>` of every installed app
(an app without one is skipped; an error inside one is raised); this returns the modules it found.
"""

import sys
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import autodiscover_modules


def app_modules(name: str) -> list[ModuleType]:
    """`<app>.<name>` of every installed app that has it, in INSTALLED_APPS order."""
    autodiscover_modules(name)
    modules = (sys.modules.get(f"{config.name}.{name}") for config in apps.get_app_configs())
    return [module for module in modules if module is not None]
