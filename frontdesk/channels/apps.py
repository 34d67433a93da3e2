from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    """The core's one way of reaching people: WeCom group robots, SMS, email, the inbox."""

    name = "frontdesk.channels"
    label = "channels"
    verbose_name = _("Channels")
