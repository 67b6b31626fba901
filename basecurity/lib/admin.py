"""An admin base shared by the apps: who added a row is the admin who saved it."""

from simple_history.admin import SimpleHistoryAdmin


class AttributedAdmin(SimpleHistoryAdmin):
    """A row added here names the admin who saves it in its `attributed_to` field (later changes keep
    it); the history names the admin through simple-history's request middleware."""

    attributed_to = "recorded_by"

    def save_model(self, request, obj, form, change):
        if not change:
            setattr(obj, self.attributed_to, request.user)
        super().save_model(request, obj, form, change)
