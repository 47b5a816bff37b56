"""
The admin site: Django's, whose pickers (the autocomplete boxes that choose a topic for an
answer, a case for a relation) name each choice as its admin labels it, so that an editor
filing an answer under a draft topic is told before choosing it.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocomplete(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "picker_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


class PortalAdminSite(admin.AdminSite):
    def autocomplete_view(self, request):
        return LabelledAutocomplete.as_view(admin_site=self)(request)


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin, with the site above as `admin.site`."""

    default_site = "qiportal.adminsite.PortalAdminSite"
