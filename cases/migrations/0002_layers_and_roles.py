"""The four layers of the digital stack and the three roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

LAYERS = [
    (
        "infrastructure",
        1,
        "Harde infrastructuur",
        "Sensoren, netwerken, hosting en rekenkracht: de fysieke en technische basis "
        "waarop een toepassing draait.",
    ),
    (
        "data",
        2,
        "Datacollectie",
        "Bronnen, inwinning, opslag, kwaliteit en eigenaarschap van de gegevens die een "
        "toepassing gebruikt.",
    ),
    (
        "algorithms",
        3,
        "Algoritmes en modellen",
        "Analyses, rekenregels, simulaties en AI-modellen die van data informatie maken.",
    ),
    (
        "platforms",
        4,
        "Platforms en diensten",
        "Dashboards, digital twins, portalen en diensten waarmee gebruikers met de "
        "uitkomsten werken.",
    ),
]

# codename prefixes per role; every role may view the whole domain.
DOMAIN_MODELS = [
    "organisation",
    "layer",
    "case",
    "choice",
    "roleanalysis",
    "direction",
    "layermeaning",
    "boardsession",
    "agendaitem",
    "vote",
    "outcome",
    "briefing",
]
ROLE_PERMISSIONS = {
    "civil_servant": [
        f"{action}_{model}"
        for model in ("case", "choice", "roleanalysis")
        for action in ("add", "change", "delete")
    ],
    "executive": ["add_vote", "change_vote"],
    "coordinator": [
        f"{action}_{model}"
        for model in DOMAIN_MODELS
        if model != "vote"
        for action in ("add", "change", "delete")
    ]
    + ["add_user", "change_user", "view_user"],
}


def forwards(apps, schema_editor):
    Layer = apps.get_model("cases", "Layer")
    for code, position, name, description in LAYERS:
        Layer.objects.update_or_create(
            code=code, defaults={"position": position, "name": name, "description": description}
        )

    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = [f"view_{model}" for model in DOMAIN_MODELS]
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(
            content_type__app_label="cases", codename__in=[*codenames, *view]
        )
        group.permissions.set(perms)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()
    apps.get_model("cases", "Layer").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
