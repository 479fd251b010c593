"""Roles are Django groups with permissions. A person may hold several; the session keeps
the active one, which chooses the dashboard. What a person may open does not depend on the
active role: it is every permission of every role they hold (`project.accounts.access`).

Later apps add their permissions to ROLE_PERMISSIONS; `roles_sync` (run after every
migrate) creates the groups and grants whatever permissions exist.
"""

from enum import StrEnum

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

SESSION_KEY = "tessera_active_role"


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    STAFF = "staff", _("Staff")
    MANAGER = "manager", _("Manager")
    BOOSTER = "booster", _("Booster")
    ORGANIZER = "organizer", _("Organizer")
    ADMIN = "admin", _("Admin")


class Perm(StrEnum):
    """What the site's staff, manager and booster pages and sockets require: custom
    permissions declared on the user model (`User.Meta.permissions`), so none of them opens
    anything in the Django admin. Pages check them through `project.accounts.access`,
    never a role name."""

    CATALOG_CHANGE = "accounts.catalog_change"
    ORDERS_VIEW = "accounts.orders_view"
    ORDERS_CHANGE = "accounts.orders_change"
    SUPPORT_ANSWER = "accounts.support_answer"
    SUPPORT_SUPERVISE = "accounts.support_supervise"
    DASHBOARD_STAFF = "accounts.dashboard_staff"
    DASHBOARD_MANAGER = "accounts.dashboard_manager"
    DASHBOARD_BOOSTER = "accounts.dashboard_booster"


# "app_label.codename" per role; permissions of apps not yet installed are skipped. Two
# sorts: the `Perm` ones open the site's own staff pages; the model ones are what the role
# may do in the Django admin. Least privilege: staff keep the catalog (not its ledger) in
# the admin and work orders and the support queue on the site; managers see orders (they
# do not change or refund them), supervise support and read the audit log; organizers work
# in their organization's scoped pages and get nothing here. Customer records, support
# chats, orders and payments are read on the site's staff pages, which show what the job
# needs; in the admin they are superusers'. Superusers hold every permission.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.CUSTOMER: [],
    Role.STAFF: [
        Perm.CATALOG_CHANGE,
        Perm.ORDERS_VIEW,
        Perm.ORDERS_CHANGE,
        Perm.SUPPORT_ANSWER,
        Perm.DASHBOARD_STAFF,
        # The product form's organization autocomplete needs to read organizations.
        "organizations.view_organization",
        "shop.view_category",
        "shop.add_category",
        "shop.change_category",
        "shop.view_product",
        "shop.add_product",
        "shop.change_product",
        # The stock ledger names the customers whose orders moved stock: staff read it on
        # the site's stock page, not in the admin.
    ],
    Role.MANAGER: [
        Perm.ORDERS_VIEW,
        Perm.SUPPORT_ANSWER,
        Perm.SUPPORT_SUPERVISE,
        Perm.DASHBOARD_MANAGER,
        "core.view_auditentry",
    ],
    Role.BOOSTER: [Perm.DASHBOARD_BOOSTER],
    Role.ORGANIZER: [],
    # Every site page, none of the admin's models: those need a superuser.
    Role.ADMIN: list(Perm),
}

# Roles that sign in to the Django admin.
ADMIN_ROLES = (Role.STAFF, Role.MANAGER, Role.ADMIN)


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions listed for it: a
    permission taken off the list is revoked on the next migrate."""
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = ROLE_PERMISSIONS.get(role, [])
        query = Q(pk__in=[])
        for dotted in wanted:
            app_label, codename = dotted.split(".", 1)
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(query))


def user_roles(user) -> list[str]:
    """The roles a user holds, in menu order. Every signed-in user is a customer."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_tessera_roles", None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    names.add(Role.CUSTOMER)
    if user.is_superuser:
        names.add(Role.ADMIN)
    roles = [role.value for role in Role if role.value in names]
    user._tessera_roles = roles
    return roles


def user_has_role(user, role: str) -> bool:
    return role in user_roles(user)


def role_grant(*, user, role: str) -> None:
    group, _ = Group.objects.get_or_create(name=Role(role).value)
    user.groups.add(group)
    if role in ADMIN_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_tessera_roles", None)


def active_role(request) -> str | None:
    roles = user_roles(request.user)
    if not roles:
        return None
    chosen = request.session.get(SESSION_KEY)
    if chosen in roles:
        return chosen
    # Default to the most specific role the person holds.
    return roles[-1] if len(roles) > 1 else roles[0]


def role_activate(*, request, role: str) -> None:
    """Make `role` the active one. Raises PermissionError if the user does not hold it."""
    if role not in user_roles(request.user):
        raise PermissionError(f"You do not have the {role} role.")
    request.session[SESSION_KEY] = role
