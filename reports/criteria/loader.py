"""Load a criteria list (groups and their criteria) from a CSV or XLSX file into a criteria set.

The official lists change by circular (Thông tư 124/2021/TT-BCA and its amendments), so no
criteria text lives in the code: an administrator loads the list of the year from a file with the
columns `group, group_name, number, criterion` (one row per criterion; the group's name may be
repeated or given on its first row only). All or nothing:

- groups and criteria are matched by their numbers: texts are updated, new ones created;
- criteria of the set missing from the file are put out of use (kept, so that past answers stay
  readable), and groups missing from the file are deleted, unless assessments answered them, in
  which case the file is refused with that reason.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from basecurity.lib import history
from basecurity.lib.tabular import CellError, RowError, parse_int, read_filled_table, text

from ..models import AssessmentAnswer, CriteriaGroup, CriteriaItem, CriteriaSet

COLUMNS = ("group", "group_name", "number", "criterion")


@dataclass
class LoadResult:
    errors: list[RowError]
    groups: int = 0
    criteria: int = 0
    retired: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _history_user(objects, user):
    for obj in objects:
        history.attribute(obj, user)
    return objects


def load_criteria(criteria_set: CriteriaSet, data: bytes, filename: str, *, user=None) -> LoadResult:
    table = read_filled_table(data, filename, COLUMNS)
    result = LoadResult(errors=list(table.errors))
    if result.errors:
        return result
    group_names: dict[int, str] = {}
    criteria: dict[tuple[int, int], str] = {}
    for row, values in table.rows:
        try:
            group = parse_int(values["group"], minimum=1)
        except CellError as error:
            result.errors.append(RowError(row, "group", str(error)))
            continue
        name = text(values["group_name"])
        if name:
            if group in group_names and group_names[group] and group_names[group] != name:
                result.errors.append(
                    RowError(
                        row, "group_name", _("Group %(group)d has another name on an earlier row.") % {"group": group}
                    )
                )
            group_names[group] = name
        else:
            group_names.setdefault(group, "")
        try:
            number = parse_int(values["number"], minimum=1)
        except CellError as error:
            result.errors.append(RowError(row, "number", str(error)))
            continue
        criterion = text(values["criterion"])
        if not criterion:
            result.errors.append(RowError(row, "criterion", _("The text of the criterion is required.")))
        elif (group, number) in criteria:
            result.errors.append(
                RowError(
                    row,
                    "number",
                    _("Criterion %(group)d.%(number)d appears twice.") % {"group": group, "number": number},
                )
            )
        else:
            criteria[(group, number)] = criterion
    for group, name in group_names.items():
        if not name:
            result.errors.append(
                RowError(0, "group_name", _("Group %(group)d has no name on any row.") % {"group": group})
            )
    existing_groups = {group.number: group for group in criteria_set.groups.all()}
    for number, group in existing_groups.items():
        if number not in group_names and AssessmentAnswer.objects.filter(item__group=group).exists():
            result.errors.append(
                RowError(
                    0,
                    "group",
                    _(
                        "Group %(group)d (“%(name)s”) is not in the file but assessments answered it: keep it in the file."
                    )
                    % {"group": number, "name": group.name},
                )
            )
    if result.errors:
        return result
    with transaction.atomic():
        _write(criteria_set, group_names, criteria, existing_groups, user, result)
    return result


def _write(criteria_set, group_names, criteria, existing_groups, user, result) -> None:
    for number, group in existing_groups.items():
        if number not in group_names:
            history.attribute(group, user)
            group.delete()
    groups = {}
    for number, name in sorted(group_names.items()):
        group = existing_groups.get(number) or CriteriaGroup(criteria_set=criteria_set, number=number)
        if group.pk is None or group.name != name:
            group.name = name
            _history_user([group], user)
            group.save()
        groups[number] = group
    result.groups = len(groups)
    items = {
        (item.group.number, item.number): item
        for item in CriteriaItem.objects.filter(group__criteria_set=criteria_set).select_related("group")
    }
    for (group_number, number), criterion in sorted(criteria.items()):
        item = items.get((group_number, number)) or CriteriaItem(group=groups[group_number], number=number)
        if item.pk is None or item.text != criterion or not item.is_active:
            item.text, item.is_active = criterion, True
            _history_user([item], user)
            item.save()
        result.criteria += 1
    for key, item in items.items():
        if key not in criteria and item.is_active and key[0] in groups:
            item.is_active = False
            _history_user([item], user)
            item.save()
            result.retired += 1
