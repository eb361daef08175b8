"""The app's URLconf plus one bare view, used only while `manage.py bench` (in process)
and `manage.py loadrun` (through gunicorn, `blueprint.bench_settings`) measure a save
against the least a Django view that updates one row can cost."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST

from blueprint.models import Attribute


@require_POST
def bare_update(request: HttpRequest, pk: int) -> HttpResponse:
    Attribute.objects.filter(pk=pk).update(description=request.POST.get("description", ""))
    return HttpResponse("ok")


urlpatterns = [
    path("__bench__/attribute/<int:pk>/", bare_update, name="bench_bare_update"),
    path("", include("blueprint.urls")),
]
