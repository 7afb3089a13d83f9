from django.apps import AppConfig


class BibliographyConfig(AppConfig):
    name = "bibliography"
    verbose_name = "Bibliography"

    def ready(self):
        from django.contrib.auth import get_user_model  # noqa: PLC0415 — apps are loaded now
        from django.db.models.signals import m2m_changed  # noqa: PLC0415

        from .accounts import staff_of_staff_groups  # noqa: PLC0415

        m2m_changed.connect(staff_of_staff_groups, sender=get_user_model().groups.through)
