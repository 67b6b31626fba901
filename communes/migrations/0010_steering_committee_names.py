from django.db import migrations

# docs/wording.md: "Ban Chỉ đạo", the official capitalisation, also in the seeded names (communes/seed.py).
OLD = "Ban chỉ đạo mô hình An ninh cơ sở"
NEW = "Ban Chỉ đạo mô hình An ninh cơ sở"


def rename(apps, schema_editor, old=OLD, new=NEW):
    SteeringCommittee = apps.get_model("communes", "SteeringCommittee")
    for committee in SteeringCommittee.objects.filter(name__startswith=old):
        committee.name = new + committee.name[len(old) :]
        committee.save(update_fields=["name"])


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0009_unit_path_labels"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
