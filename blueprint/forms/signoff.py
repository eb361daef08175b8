from __future__ import annotations

from django import forms


class ApproveForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Re-enter your password to sign.",
    )
    seen_hash = forms.CharField(widget=forms.HiddenInput)


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label="What must change",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sending it back returns the blueprint to draft and clears all approvals.",
    )
