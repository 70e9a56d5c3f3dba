"""Article.drafted_at: when the importer last drafted statements from the article's text.

import_seeds does not draft an unchanged file again once its text was drafted (issue 3:
re-importing an unchanged file creates nothing, even after another file proposed a new
speaker). Articles that already have drafts were drafted when they were imported.
"""

from django.db import migrations, models


def mark_drafted(apps, schema_editor):
    Article = apps.get_model("events", "Article")
    Statement = apps.get_model("events", "Statement")
    drafted = Statement.objects.filter(ref__startswith="draft-").values("article_id")
    Article.objects.filter(pk__in=drafted).update(drafted_at=models.F("imported_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0010_escalation_keyset_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='drafted_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the importer last drafted statements from this text. The unchanged file is not drafted again (import_seeds --redraft does).', null=True),
        ),
        migrations.RunPython(mark_drafted, migrations.RunPython.noop, elidable=True),
    ]
