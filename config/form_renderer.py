from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist
from django.utils.functional import cached_property


class JinjaWidgets(BaseRenderer):
    """Django's form and widget templates rendered by Jinja2, whose copies of them Django ships;
    templates that exist only for Django's engine (the admin's widget wrappers) by that engine.

    A change page with a few hundred inline fields spends most of its time rendering them one
    template at a time, and Jinja2 renders each several times faster."""

    @cached_property
    def jinja2(self):
        return Jinja2().engine

    @cached_property
    def django(self):
        return DjangoTemplates().engine

    def get_template(self, template_name):
        try:
            return self.jinja2.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
