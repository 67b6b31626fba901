import django.db.models.functions.comparison
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0008_vietnamese_collation'),
        ('reports', '0007_superior_level_words'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='criteriaset',
            options={'ordering': ['-year_from', django.db.models.functions.comparison.Collate('name', 'vi_icu')], 'verbose_name': 'criteria set', 'verbose_name_plural': 'criteria sets'},
        ),
    ]
