"""Who may do what through the API: everyone reads, writes need the model permission the admin grants."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions


class ReadOnlyOrModelPermissions(DjangoModelPermissions):
    """Anyone reads; writing needs an authenticated user with the model permission (the curator group).

    A view can name other permissions for an action in `action_permissions`, e.g. tagging a paper
    needs `add_paperconcept`, not `add_paper`.
    """

    def has_permission(self, request, view):
        required = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if request.method in SAFE_METHODS or required == []:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        if getattr(view, "queryset", None) is None and not hasattr(view, "get_queryset"):
            return False  # a view of no model (autocomplete) only reads
        if required is not None:
            return request.user.has_perms(required)
        return super().has_permission(request, view)
