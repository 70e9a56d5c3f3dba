"""The "curators" group with its permissions (events/roles.py).

Django creates permissions after all migrations have run (post_migrate), so on a fresh
database they do not exist yet here: create_permissions makes them first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from events.roles import CURATOR_GROUP, CURATOR_PERMISSIONS, grant_curator_permissions
from events.roles import LATER_MODELS as GRANTED_BY_0018

# The models of this point of the schema: later migrations grant their own models' permissions
# (0014_tenure_and_speaker_needed: tenure; 0018_places: the reported figures, the statement links and the places).
LATER_MODELS = ("tenure", *GRANTED_BY_0018)
PERMISSIONS = tuple(p for p in CURATOR_PERMISSIONS if p.rpartition("_")[2] not in LATER_MODELS)


def create_permissions_now(apps) -> None:
    """The permissions of the models that exist at this point of the migrations (also 0014's)."""
    for app_label in ("contenttypes", "auth", "events"):
        app_config = apps.get_app_config(app_label)
        # The migration's app configs are stubs without a models module, which
        # create_permissions takes as "no models"; it only checks that attribute.
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_curators(apps, schema_editor):
    create_permissions_now(apps)
    grant_curator_permissions(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"), PERMISSIONS)


def remove_curators(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CURATOR_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0005_full_text_search"),
    ]

    operations = [migrations.RunPython(create_curators, remove_curators)]
