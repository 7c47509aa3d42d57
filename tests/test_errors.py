from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError
from django.test import Client


@pytest.fixture
def quiet_client(alice):
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def test_a_database_outage_is_a_503_page_not_a_traceback(quiet_client):
    with mock.patch(
        "cases.models.Case.objects.visible_to", side_effect=OperationalError("server closed")
    ):
        response = quiet_client.get("/cases/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "de database antwoordt niet" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_a_database_outage_in_the_api_is_a_503_json(quiet_client):
    with mock.patch(
        "cases.models.Case.objects.visible_to", side_effect=OperationalError("server closed")
    ):
        response = quiet_client.get("/api/v1/cases/")
    assert response.status_code == 503
    assert "database" in response.json()["detail"]


def test_other_errors_are_a_plain_500(quiet_client):
    with mock.patch("cases.models.Case.objects.visible_to", side_effect=IntegrityError("bug")):
        response = quiet_client.get("/cases/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
