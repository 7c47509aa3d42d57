"""Pages without data that anyone may read, such as the accessibility statement."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement Dutch government sites must publish."""
    return render(request, "accessibility.html", {})
