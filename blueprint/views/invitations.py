"""Accepting an invitation: from the emailed link to a member of the project."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.models import User
from blueprint.invitations import (
    NOT_OPEN,
    WRONG_ACCOUNT,
    invitation_accept,
    invitation_for_token,
    invitation_state,
)
from blueprint.models import Invitation

PASSWORDS_DIFFER = "The two passwords are not the same."


class JoinForm(forms.Form):
    """What a new person sets: a name to be shown by, and a password."""

    display_name = forms.CharField(label="Your name", max_length=120)
    job_title = forms.CharField(label="Job title", max_length=120, required=False)
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="The same password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_display_name(self) -> str:
        return self.cleaned_data["display_name"].strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", PASSWORDS_DIFFER)
        elif first:
            try:
                validate_password(first, User(email=self.email))
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


def _refused(request: HttpRequest, message: str, invitation: Invitation | None) -> HttpResponse:
    context = {"message": message, "invitation": invitation}
    return render(request, "blueprint/invitation_refused.html", context, status=410)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    state = invitation_state(invitation)
    if state != "open":
        return _refused(request, NOT_OPEN[state], invitation)
    assert invitation is not None
    project_url = reverse("blueprint:project_detail", args=[invitation.project_id])
    here = request.get_full_path()
    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            message = WRONG_ACCOUNT.format(email=invitation.email, current=user.email)
            return _refused(request, message, invitation)
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, user=user)
            except ValidationError as exc:
                return _refused(request, " ".join(exc.messages), invitation)
            return redirect(project_url)
        return render(request, "blueprint/invitation_accept.html", {"invitation": invitation})
    existing = User.objects.filter(email__iexact=invitation.email).exists()
    if existing:
        # The person has an account by now: they sign in and come back to the link.
        login_url = f"{reverse('accounts:login')}?next={here}"
        context = {"invitation": invitation, "login_url": login_url}
        return render(request, "blueprint/invitation_accept.html", context)
    form = JoinForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email,
                    password=form.cleaned_data["password1"],
                    display_name=form.cleaned_data["display_name"],
                    job_title=form.cleaned_data["job_title"].strip(),
                )
                invitation_accept(invitation=invitation, user=user)
        except ValidationError as exc:
            return _refused(request, " ".join(exc.messages), invitation)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(project_url)
    status = 422 if request.method == "POST" else 200
    context = {"invitation": invitation, "form": form}
    return render(request, "blueprint/invitation_accept.html", context, status=status)
