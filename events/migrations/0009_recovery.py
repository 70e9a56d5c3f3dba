"""Recovery and round trips.

- Statement targets (M2M) in the statement history, so a deleted statement is restored with them.
- Draft fingerprints keyed by the speaker's slug instead of its id (Statement.fingerprint()), so
  a draft loaded from an export into another database is still recognised as untouched: every
  stored fingerprint that matches the old definition is rewritten with the new one.
"""

import hashlib

import django.db.models.deletion
import simple_history.models
from django.db import migrations, models


def _digest(speaker, statement) -> str:
    # Statement.fingerprint() as of this migration, with the speaker given.
    values = (
        speaker,
        statement.kind,
        statement.quote,
        statement.start,
        statement.end,
        statement.cameo_id,
        statement.said_on.isoformat() if statement.said_on else "",
        statement.said_on_precision,
        statement.review_status,
    )
    return hashlib.sha256("\x1f".join(map(str, values)).encode("utf-8")).hexdigest()[:16]


def rekey_fingerprints(apps, schema_editor):
    Statement = apps.get_model("events", "Statement")
    changed = []
    drafts = Statement.objects.filter(review_status="draft").exclude(extraction={}).select_related("speaker")
    for statement in drafts.iterator(chunk_size=2000):
        stored = statement.extraction.get("fingerprint")
        if stored and stored == _digest(statement.speaker_id, statement):
            statement.extraction = {**statement.extraction, "fingerprint": _digest(statement.speaker.slug, statement)}
            changed.append(statement)
    Statement.objects.bulk_update(changed, ["extraction"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0008_version'),
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
        migrations.RunPython(rekey_fingerprints, migrations.RunPython.noop),
    ]
