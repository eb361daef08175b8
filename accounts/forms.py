from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserChangeForm, UserCreationForm

from accounts.models import User


class UserAdminCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "display_name", "job_title")


class UserAdminChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email", "display_name", "job_title")


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("display_name", "job_title")
        labels = {"display_name": "Name", "job_title": "Job title"}
