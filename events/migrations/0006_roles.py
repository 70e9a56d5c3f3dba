"""The "curators" group with its permissions (events/roles.py).

Django creates permissions after all migrations have run (post_migrate), so on a fresh
database they do not exist yet here: create_permissions makes them first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from events.roles import CURATOR_GROUP, grant_curator_permissions


def create_curators(apps, schema_editor):
    for app_label in ("contenttypes", "auth", "events"):
        app_config = apps.get_app_config(app_label)
        # The migration's app configs are stubs without a models module, which
        # create_permissions takes as "no models"; it only checks that attribute.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_curator_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CURATOR_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0005_full_text_search"),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]
