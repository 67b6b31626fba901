"""The four criteria groups of the grassroots security model for 2021-2025, names only.

The items of each group are not invented here: an administrator enters them (Django admin) from the
official text. Group names follow the article (shared/seed): "04 nhóm tiêu chí về công tác lãnh đạo,
chỉ đạo; công tác an ninh, trật tự; xây dựng phong trào Toàn dân bảo vệ ANTQ và xây dựng lực lượng
An ninh cơ sở".
"""

from django.db import migrations

SET_NAME = "Mô hình An ninh cơ sở"
GROUPS = (
    (1, "Công tác lãnh đạo, chỉ đạo"),
    (2, "Công tác an ninh, trật tự"),
    (3, "Xây dựng phong trào Toàn dân bảo vệ an ninh Tổ quốc"),
    (4, "Xây dựng lực lượng An ninh cơ sở"),
)


def seed(apps, schema_editor):
    CriteriaSet = apps.get_model("reports", "CriteriaSet")
    CriteriaGroup = apps.get_model("reports", "CriteriaGroup")
    criteria_set, _ = CriteriaSet.objects.get_or_create(
        name=SET_NAME, kind="model_assessment", year_from=2021, year_to=2025
    )
    for number, name in GROUPS:
        CriteriaGroup.objects.get_or_create(criteria_set=criteria_set, number=number, defaults={"name": name})


def unseed(apps, schema_editor):
    apps.get_model("reports", "CriteriaSet").objects.filter(
        name=SET_NAME, kind="model_assessment", year_from=2021, year_to=2025, assessments__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_criteria")]
    operations = [migrations.RunPython(seed, unseed)]
