from django.apps import AppConfig
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed


class BibliographyConfig(AppConfig):
    name = "bibliography"
    verbose_name = "Bibliography"

    def ready(self):
        from .accounts import staff_of_staff_groups  # noqa: PLC0415 — it imports models: only once apps are loaded

        m2m_changed.connect(staff_of_staff_groups, sender=get_user_model().groups.through)
