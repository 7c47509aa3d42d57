"""Fixed personas, shared by every test module.

- ``alice``: civil servant of Provincie Utrecht
- ``bob``: civil servant of Provincie Zuid-Holland (another province)
- ``erik``: executive
- ``cora``: coordinator
- ``olga``: logged in, but without any role (must see nothing)
"""

import os

import pytest

from cases.models import Role
from tests.factories import make_case, make_organisation, make_user

# Playwright's sync API runs an event loop; Django's ORM must still be usable
# from the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def utrecht(db):
    return make_organisation(name="Provincie Utrecht")


@pytest.fixture
def zuid_holland(db):
    return make_organisation(name="Provincie Zuid-Holland")


@pytest.fixture
def alice(utrecht):
    return make_user(username="alice", role=Role.CIVIL_SERVANT, organisation=utrecht)


@pytest.fixture
def bob(zuid_holland):
    return make_user(username="bob", role=Role.CIVIL_SERVANT, organisation=zuid_holland)


@pytest.fixture
def erik(utrecht):
    return make_user(username="erik", role=Role.EXECUTIVE, organisation=utrecht)


@pytest.fixture
def cora(utrecht):
    user = make_user(username="cora", role=Role.COORDINATOR, organisation=utrecht)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def olga(db):
    return make_user(username="olga")


@pytest.fixture
def draft(utrecht):
    """A draft case of Utrecht (alice's organisation)."""
    return make_case(organisation=utrecht, title="Concept Utrecht", status="draft")


@pytest.fixture
def complete_draft(utrecht):
    """A complete draft case of Utrecht: every layer, every role analysis, so
    it can be submitted."""
    return make_case(
        organisation=utrecht, title="Volledig concept Utrecht", status="draft", with_parts=True
    )


@pytest.fixture
def published(utrecht):
    """A published case of Utrecht."""
    return make_case(organisation=utrecht, title="Gepubliceerd Utrecht", status="published")


@pytest.fixture
def client_for(client):
    """Log the test client in as a persona: ``client_for(alice)``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def stack_basics(transactional_db):
    """Layers and role groups again after a transactional test flushed them
    (they come from a data migration, which a flush removes)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cases.migrations.0002_layers_and_roles")
    migration.forwards(apps, None)
    explainer = importlib.import_module("cases.migrations.0011_explainer")
    explainer.fill_explanations(apps, None)


@pytest.fixture(autouse=True)
def dutch_outside_requests():
    """A request in English leaves English active in the thread; every test
    starts in the default language again."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.deactivate()
