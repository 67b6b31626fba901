"""django-celery-beat's pages with the labels it leaves untranslatable: `PeriodicTask.task` is named
"Task Name" in a plain string (a column of the schedules' inline, a filter of the task list), and
the crontab's words are labelled by a method name ("Crontab translation")."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule

TASK_NAME = _("Task Name")


class PeriodicTaskInline(beat_admin.PeriodicTaskInline):
    fields = readonly_fields = ("name", "task_name", "args", "kwargs")

    @admin.display(description=TASK_NAME)
    def task_name(self, task):
        return task.task


class TaskNameFilter(admin.AllValuesFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = TASK_NAME


class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    list_filter = [
        ("task", TaskNameFilter) if name == "task" else name for name in beat_admin.PeriodicTaskAdmin.list_filter
    ]

    @admin.display(description=_("Crontab in words"))
    def crontab_translation(self, obj):
        return super().crontab_translation(obj)


for model in (ClockedSchedule, CrontabSchedule, IntervalSchedule, SolarSchedule):
    model_admin = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (model_admin,), {"inlines": [PeriodicTaskInline]}))
admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PeriodicTaskAdmin)
