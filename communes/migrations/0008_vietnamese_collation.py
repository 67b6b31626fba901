import django.db.models.functions.comparison
from django.db import migrations


def create_collation(apps, schema_editor):
    """PostgreSQL's ICU collation for Vietnamese under the name the models order by (basecurity/lib/collation.py);
    SQLite registers a function of the same name on each connection instead."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE COLLATION IF NOT EXISTS vi_icu (provider = icu, locale = 'vi-VN')")


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS vi_icu")


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0007_schedule_import_purge'),
    ]

    operations = [
        migrations.RunPython(create_collation, drop_collation),
        migrations.AlterModelOptions(
            name='committeemember',
            options={'ordering': ['committee', 'committee_role', django.db.models.functions.comparison.Collate('full_name', 'vi_icu')], 'verbose_name': 'committee member', 'verbose_name_plural': 'committee members'},
        ),
        migrations.AlterModelOptions(
            name='selfmanagementteam',
            options={'ordering': ['village__path', django.db.models.functions.comparison.Collate('name', 'vi_icu')], 'verbose_name': 'self-management team', 'verbose_name_plural': 'self-management teams'},
        ),
        migrations.AlterModelOptions(
            name='steeringcommittee',
            options={'ordering': ['unit__path', django.db.models.functions.comparison.Collate('name', 'vi_icu')], 'verbose_name': 'steering committee', 'verbose_name_plural': 'steering committees'},
        ),
        migrations.AlterModelOptions(
            name='teammember',
            options={'ordering': ['team', django.db.models.functions.comparison.Collate('full_name', 'vi_icu')], 'verbose_name': 'team member', 'verbose_name_plural': 'team members'},
        ),
    ]
