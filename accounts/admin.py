from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "plan", "created_at"]
    search_fields = ["name", "slug"]
    list_filter = ["plan"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Superusers manage everyone; an organization's owners manage its users."""

    list_display = ["username", "email", "organization", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active", "organization"]
    fieldsets = DjangoUserAdmin.fieldsets + (("Organization", {"fields": ["organization", "role"]}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (("Organization", {"fields": ["organization", "role"]}),)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(organization=request.user.organization_id)

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            return ((None, {"fields": ["username", "password1", "password2", "email", "role"]}),)
        return ((None, {"fields": ["username", "first_name", "last_name", "email", "role", "is_active"]}),)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser:
            obj.organization = request.user.organization
            obj.is_staff = True
        super().save_model(request, obj, form, change)

    def _owner(self, request):
        return request.user.is_active and request.user.is_staff and request.user.can_manage_users

    def has_module_permission(self, request):
        return self._owner(request)

    def has_view_permission(self, request, obj=None):
        return self._owner(request)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission
