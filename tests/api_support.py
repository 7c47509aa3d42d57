"""What the API tests share: a client with a persona's token, and one small
world of cases, choices, directions and sessions in every state."""

from knox.models import AuthToken
from rest_framework.test import APIClient

from cases.models import Layer
from tests.factories import (
    make_case,
    make_choice,
    make_direction,
    make_session,
    make_user,
    make_vote,
)


def token_client(user=None) -> APIClient:
    """An API client that sends the user's token (none for ``None``: anonymous)."""
    client = APIClient()
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def make_api_world(*, utrecht, zuid_holland, executive) -> dict:
    """Cases of Utrecht in each status (one complete), a choice and role
    analysis on the published one, and a draft, an open and a closed session
    with votes of ``executive`` and of a second executive."""
    published = make_case(organisation=utrecht, title="Utrechtse monitor", with_parts=True)
    draft = make_case(
        organisation=utrecht, title="Utrechts concept", status="draft", with_parts=True
    )
    submitted = make_case(organisation=utrecht, title="Utrechts ingediend", status="submitted")
    other = make_case(organisation=zuid_holland, title="Zuid-Hollands concept", status="draft")
    choice = make_choice(case=published, layer=Layer.objects.get(code="data"), title="Open data")
    first, second = make_direction(code="R1"), make_direction(code="R2")
    first.evidence_cases.set([published, draft])
    colleague = make_user(username="erik2", role="executive")
    closed = make_session(directions=[first, second], state="closed", title="Gesloten sessie")
    make_vote(session=closed, direction=first, executive=executive, position="support", points=4)
    make_vote(session=closed, direction=first, executive=colleague, position="oppose", points=2)
    open_session = make_session(directions=[first, second], state="open", title="Open sessie")
    make_vote(session=open_session, direction=first, executive=colleague, position="oppose")
    draft_session = make_session(directions=[first], state="draft", title="Sessie in voorbereiding")
    return {
        "utrecht": utrecht.pk,
        "zuid_holland": zuid_holland.pk,
        "published": published.pk,
        "draft": draft.pk,
        "submitted": submitted.pk,
        "other": other.pk,
        "choice": choice.pk,
        "analysis": published.role_analyses.get(counterpart="market").pk,
        "layer": choice.layer_id,
        "direction": first.pk,
        "direction_code": first.code,
        "second_direction": second.pk,
        "draft_session": draft_session.pk,
        "open_session": open_session.pk,
        "closed_session": closed.pk,
        "colleague": colleague,
    }
