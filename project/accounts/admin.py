from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Address, User


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "name",
        "phone",
        "roles",
        "two_factor",
        "is_staff",
        "is_active",
        "date_joined",
        "last_login",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name", "phone"]
    inlines = [AddressInline]

    def get_queryset(self, request):
        from allauth.mfa.models import Authenticator
        from django.db.models import Exists, OuterRef

        totp = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
        return super().get_queryset(request).prefetch_related("groups").annotate(_totp=Exists(totp))

    @admin.display(description="roles")
    def roles(self, user):
        return ", ".join(sorted(group.name for group in user.groups.all())) or "customer"

    @admin.display(description="2FA", boolean=True, ordering="_totp")
    def two_factor(self, user):
        return user._totp

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name", "phone")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ["recipient", "user", "city", "country", "is_default", "created"]
    list_filter = ["country", "is_default"]
    search_fields = ["recipient", "user__email", "city", "line1"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
