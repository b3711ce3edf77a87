"""Tenant scoping for every admin of organization-owned rows.

A staff user sees and edits only their organization's rows: changelists, change pages,
foreign-key and many-to-many choices, autocomplete (which asks the related admin's
get_queryset) and actions all go through get_queryset. A superuser sees everything.
Roles: viewers read, planners and owners edit. Each scoped model names the lookup from
itself to its organization in ``organization_path``.
"""


def organization_filter(user, model):
    return {} if user.is_superuser else {model.organization_path: user.organization_id}


def is_member(user):
    return user.is_active and user.is_staff and (user.is_superuser or user.organization_id is not None)


class OrganizationScopingMixin:
    """For ModelAdmin and InlineModelAdmin alike."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(**organization_filter(request.user, self.model))

    def _scoped_choices(self, db_field, request, kwargs):
        related = db_field.related_model
        if hasattr(related, "organization_path") and "queryset" not in kwargs:
            kwargs["queryset"] = related._default_manager.filter(**organization_filter(request.user, related))
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped_choices(db_field, request, kwargs))

    def has_module_permission(self, request):
        return is_member(request.user)

    def has_view_permission(self, request, obj=None):
        return is_member(request.user)

    def has_add_permission(self, request, *args):
        return is_member(request.user) and request.user.can_edit

    def has_change_permission(self, request, obj=None):
        return is_member(request.user) and request.user.can_edit

    def has_delete_permission(self, request, obj=None):
        return is_member(request.user) and request.user.can_edit
