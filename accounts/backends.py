from django.contrib.auth.backends import ModelBackend

from accounts.roles import ROLE_ACTIONS


class RoleBackend(ModelBackend):
    """Passwords as Django does; permissions from the role table, so `perms.audit.view` asks our roles."""

    def _role_actions(self, user_obj) -> frozenset[str]:
        if not hasattr(user_obj, "_role_actions_cache"):
            roles = user_obj.memberships.filter(revoked_at__isnull=True).values_list("role", flat=True).distinct()
            actions = set()
            for role in roles:
                actions |= ROLE_ACTIONS.get(role, frozenset())
            user_obj._role_actions_cache = frozenset(actions)
        return user_obj._role_actions_cache

    def has_perm(self, user_obj, perm, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        if user_obj.is_superuser:
            return True
        return perm in self._role_actions(user_obj) or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if not user_obj.is_active or user_obj.is_anonymous:
            return False
        if user_obj.is_superuser:
            return True
        return any(a.startswith(app_label + ".") for a in self._role_actions(user_obj)) or super().has_module_perms(
            user_obj, app_label
        )
