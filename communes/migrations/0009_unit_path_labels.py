from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('communes', '0008_vietnamese_collation'),
    ]

    operations = [
        migrations.AlterField(
            model_name='administrativeunit',
            name='history_path',
            field=models.CharField(db_index=True, default='', editable=False, max_length=255, verbose_name='path along the lineage'),
        ),
        migrations.AlterField(
            model_name='administrativeunit',
            name='path',
            field=models.CharField(db_index=True, default='', editable=False, max_length=255, verbose_name='path in the tree'),
        ),
        migrations.AlterField(
            model_name='historicaladministrativeunit',
            name='history_path',
            field=models.CharField(db_index=True, default='', editable=False, max_length=255, verbose_name='path along the lineage'),
        ),
        migrations.AlterField(
            model_name='historicaladministrativeunit',
            name='path',
            field=models.CharField(db_index=True, default='', editable=False, max_length=255, verbose_name='path in the tree'),
        ),
    ]
