"""The app's URLconf plus two bare views, used only while `manage.py bench` (in process)
and `manage.py loadrun` (through gunicorn, `blueprint.bench_settings`) time a save:

- a bare view that runs one UPDATE of the row: the least a view that updates one row
  can cost, the baseline of the performance issue (a save within 1.3x of it);
- Django's own UpdateView of an attribute, with the fields the app's form has: what a
  Django view that updates one row through a form costs. It runs the model's own rules
  (`Model.full_clean`), but not the app's form (choices limited to the project), the
  revision check, the activity log, the change number or the row drawn again (it answers
  with a redirect): a second baseline of our own.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST
from django.views.generic import UpdateView

from blueprint.forms.mapping import AttributeForm
from blueprint.models import Attribute


class DjangoUpdate(UpdateView):
    model = Attribute
    fields = AttributeForm._meta.fields
    success_url = "/"  # answered with a redirect that nobody follows


@require_POST
def bare_update(request: HttpRequest, pk: int) -> HttpResponse:
    Attribute.objects.filter(pk=pk).update(description=request.POST.get("description", ""))
    return HttpResponse("ok")


urlpatterns = [
    path("__bench__/attribute/<int:pk>/", bare_update, name="bench_bare_update"),
    path("__bench__/attribute/<int:pk>/django/", DjangoUpdate.as_view(), name="bench_django"),
    path("", include("blueprint.urls")),
]
