from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.forms import EmailAuthenticationForm, ProfileForm

# The same words whether the account exists or not, so a lockout tells nothing about it.
LOCKED_OUT = (
    "Too many failed attempts with this email address or from this network. Wait "
    "{minutes} minutes, then try again."
)


def axes_username(request: HttpRequest, credentials: Any) -> str:
    """The account an attempt is counted against: its email, in any case the same."""
    given = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(given).strip().lower()


def locked_out_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return LOCKED_OUT.format(minutes=minutes)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """What django-axes answers once an account or an address is locked out.

    The sign-in page says so at the form (429). A view that checks a password itself (the
    approval, which asks for it again) has already said so in its own answer.
    """
    match = request.resolver_match
    if original_response is not None and (match is None or match.view_name != "accounts:login"):
        return original_response
    form = EmailAuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    context = {
        "form": form,
        "locked_out": locked_out_message(),
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
