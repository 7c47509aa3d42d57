"""Notifications: the person's own list (with the unread count in the page
header), opening one, their e-mail settings, and for coordinators the
deliveries that failed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import notifications, permissions
from ..forms.notifications import MailSettingsForm
from ..models import Notification

LIST_LENGTH = 50


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = notifications.for_display().visible_to(request.user)[:LIST_LENGTH]
    context = {"notifications": notifications.with_subjects(rows)}
    return render(request, "cases/notifications/notification_list.html", context)


@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one's own notification read and go to what it is about."""
    notification = get_object_or_404(notifications.for_display().visible_to(request.user), pk=pk)
    notifications.mark_read(request.user, [notification.pk])
    return redirect(notifications.describe(notification)["path"])


@require_POST
def notification_mark_read(request: HttpRequest) -> HttpResponse:
    count = notifications.mark_read(request.user)
    if count:
        messages.success(request, _("Alle meldingen zijn als gelezen gemarkeerd."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "notification_list"
    return redirect(target)


@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    form = MailSettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        notifications.set_mail_preferences(
            request.user, muted=form.muted(), language=form.cleaned_data["language"]
        )
        messages.success(request, _("Uw instellingen zijn opgeslagen."))
        return redirect("notification_settings")
    context = {"form": form, "email": request.user.email}
    return render(request, "cases/notifications/settings.html", context)


@require_http_methods(["GET", "POST"])
def mail_failures(request: HttpRequest) -> HttpResponse:
    """Coordinators see the e-mail that did not go out, and may try again."""
    if not permissions.can_see_mail_failures(request.user):
        raise PermissionDenied
    if request.method == "POST":
        ids = [value for value in request.POST.getlist("retry") if value.isdigit()]
        retried = notifications.retry_now(ids)
        if retried:
            notifications.schedule_delivery()
        messages.success(
            request,
            _("%(count)d e-mail(s) worden opnieuw verzonden.") % {"count": retried},
        )
        return redirect("mail_failures")
    rows = list(notifications.failed_deliveries()[:200])
    context = {"rows": rows, "failed_state": Notification.MailState.FAILED}
    return render(request, "cases/notifications/mail_failures.html", context)
