# Statement targets (M2M) in the statement history, so a deleted statement is restored with them.

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0006_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalStatement_targets',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                ('actor', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='events.actor')),
                ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='events.historicalstatement')),
                ('statement', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='events.statement')),
            ],
            options={
                'verbose_name': 'HistoricalStatement_targets',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
