import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_all_factories_build_in_one_project():
    p = f.ProjectFactory()
    for name in dir(f):
        if name.endswith("Factory") and name not in {
            "DjangoModelFactory",
            "ProjectFactory",
            "UserFactory",
            "MembershipFactory",
        }:
            fac = getattr(f, name)
            if name in {"JourneyStepFactory"}:
                obj = fac(scenario__project=p)
            elif name in {"EntityCopyFactory"} or name in {"AttributeFactory"}:
                obj = fac(entity__project=p)
            elif name == "ReasonCodeFactory":
                obj = fac(outcome__project=p)
            elif name == "ReportDimensionFactory":
                obj = fac(report__project=p)
            elif name == "ContractItemFactory":
                obj = fac(system__project=p)
            else:
                obj = fac(project=p)
            assert obj.project_id == p.pk, name
            for fld in obj._meta.fields:
                if fld.is_relation and fld.name != "project":
                    rel = getattr(obj, fld.name)
                    if rel is not None and hasattr(rel, "project_id"):
                        assert rel.project_id == p.pk, (name, fld.name)
