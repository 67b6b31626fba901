"""A form field in Bootstrap 5 markup, built in Python: what crispy-forms' `as_crispy_field` gives for
text inputs and drop-downs (label, `form-control` / `form-select`, `is-invalid`, the errors in
`invalid-feedback`, the help text), without a template per field and an include per option.

Every record list renders its filter bar on every request (templates/records/_filter.html); through
crispy and Django's widget templates that bar was over a quarter of a list's CPU time
(docs/benchmarks.md, "Lists that scale"). Widgets other than inputs and single selects (a checkbox,
a file, a widget with its own template) are rendered by Django as before, with the same classes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

_INPUT_TEMPLATE = "django/forms/widgets/input.html"
_TEXT_TEMPLATES = {_INPUT_TEMPLATE} | {
    f"django/forms/widgets/{kind}.html"
    for kind in ("text", "date", "datetime", "time", "number", "email", "search", "url", "tel")
}
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def attributes(attrs: dict[str, Any]) -> str:
    """` name="value"` for each attribute as Django's attrs.html writes them: True alone, False left out."""
    parts = []
    for name, value in attrs.items():
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        elif value is not False and value is not None:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


class _Unknown(Exception):
    """A widget this module does not write: Django renders it."""


def _select(widget: dict[str, Any]) -> str:
    html = [f'<select name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'<optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION_TEMPLATE:
                raise _Unknown
            html.append(
                f'<option value="{conditional_escape(option["value"])}"{attributes(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>"
            )
        if group_name:
            html.append("</optgroup>")
    html.append("</select>")
    return "".join(html)


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{value}{attributes(widget['attrs'])}>"
    )


def widget_html(field: BoundField, css_class: str) -> str:
    """The field's widget with `css_class` added to its classes."""
    widget = field.field.widget
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    existing = widget.attrs.get("class", "")
    attrs["class"] = f"{existing} {css_class}".strip()
    if widget.is_hidden or widget.template_name not in _TEXT_TEMPLATES | {_SELECT_TEMPLATE}:
        return str(field.as_widget(attrs=attrs))
    if isinstance(widget, forms.SelectMultiple):
        return str(field.as_widget(attrs=attrs))
    context = widget.get_context(field.html_name, field.value(), widget.build_attrs(widget.attrs, attrs))["widget"]
    try:
        return _select(context) if widget.template_name == _SELECT_TEMPLATE else _input(context)
    except _Unknown:
        return str(field.as_widget(attrs=attrs))


def field_html(field: BoundField) -> SafeString:
    """The field in crispy-forms' Bootstrap 5 layout: label, widget, errors, help text."""
    if field.is_hidden:
        return mark_safe(str(field))  # noqa: S308  (Django's own rendering of the widget)
    widget = field.field.widget
    is_select = isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple)
    css_class = "form-select" if is_select else "form-control"
    if field.errors:
        css_class += " is-invalid"
    required = field.field.required
    label = ""
    if field.label:
        label = format_html(
            '<label for="{}" class="form-label{}">{}{}</label>',
            field.id_for_label,
            " requiredField" if required else "",
            field.label,
            mark_safe('<span class="asteriskField">*</span>') if required else "",
        )
    errors = ""
    if field.errors:  # one block, the id the widget's aria-describedby names (Django 5.2)
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            mark_safe("<br>".join(str(format_html("<strong>{}</strong>", error)) for error in field.errors)),  # noqa: S308
        )
    help_text = (
        format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        field.auto_id,
        label,
        mark_safe(widget_html(field, css_class)),  # noqa: S308  (every value escaped above)
        mark_safe(errors),  # noqa: S308
        help_text,
    )
