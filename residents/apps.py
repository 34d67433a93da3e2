from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Records")

    def ready(self) -> None:
        from frontdesk import revealable
        from residents.models import Resident

        revealable.register(
            Resident,
            phone=revealable.PHONE,
            phone2=revealable.PHONE,
            id_number=revealable.ID_NUMBER,
        )
