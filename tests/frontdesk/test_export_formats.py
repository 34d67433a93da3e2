"""One rule for every export with personal data: masked, unless a user holding the core's
full-export permission asks for whole numbers, which is logged once per file."""

from django.contrib.auth.models import Permission

from frontdesk import roles
from frontdesk.models import PersonalDataAccess, User
from frontdesk.personal import mask_id_number, mask_phone
from frontdesk.services import export_formats
from tests import factories

MASKERS = {"phone": mask_phone, "id_number": mask_id_number}


def formats(user, site, full=True):
    return export_formats(
        site=site, user=user, full=full, maskers=MASKERS, description="导出", ip_address="10.0.0.9"
    )


def test_a_supervisor_asking_gets_whole_numbers_and_it_is_logged(site_a, supervisor):
    found = formats(supervisor, site_a)
    assert found["phone"]("13800138000") == "13800138000"
    assert found["id_number"]("110105194912310021") == "110105194912310021"
    log = PersonalDataAccess.objects.get()
    assert (log.user, log.site, log.action, log.field) == (
        supervisor,
        site_a,
        PersonalDataAccess.Action.EXPORT,
        "phone,id_number",
    )


def test_not_asking_is_masked_and_not_logged(site_a, supervisor):
    found = formats(supervisor, site_a, full=False)
    assert found["phone"]("13800138000") == "138****8000"
    assert not PersonalDataAccess.objects.exists()


def test_the_permission_is_the_cores_own_not_the_roster_import(site_a):
    importer = factories.make_user(site_a)
    importer.user_permissions.add(Permission.objects.get(codename="import_roster"))
    importer = User.objects.get(pk=importer.pk)
    assert formats(importer, site_a)["phone"]("13800138000") == "138****8000"
    app, codename = roles.FULL_EXPORT.split(".")
    importer.user_permissions.add(
        Permission.objects.get(content_type__app_label=app, codename=codename)
    )
    importer = User.objects.get(pk=importer.pk)
    assert formats(importer, site_a)["phone"]("13800138000") == "13800138000"


def test_a_clerk_asking_gets_the_masked_file(site_a, clerk):
    assert formats(clerk, site_a)["id_number"]("110105194912310021") == "110105********0021"
    assert not PersonalDataAccess.objects.exists()
