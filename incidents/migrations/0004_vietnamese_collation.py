import django.db.models.functions.comparison
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0008_vietnamese_collation'),
        ('incidents', '0003_record_versions'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='businesskind',
            options={'ordering': [django.db.models.functions.comparison.Collate('name', 'vi_icu')], 'verbose_name': 'conditional business kind', 'verbose_name_plural': 'conditional business kinds'},
        ),
        migrations.AlterModelOptions(
            name='conditionalbusiness',
            options={'ordering': ['unit__path', django.db.models.functions.comparison.Collate('name', 'vi_icu')], 'verbose_name': 'conditional business', 'verbose_name_plural': 'conditional businesses'},
        ),
    ]
