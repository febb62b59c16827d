from django.contrib.auth import get_user_model


class DuckBackend:
    """Doesn't inherit BaseBackend (like django-rules' backend)."""

    def authenticate(self, request, username=None, password=None):
        return None

    def get_user(self, user_id):
        return get_user_model()._default_manager.filter(pk=user_id).first()

    def has_perm(self, user_obj, perm, obj=None):
        return perm == "app.duck"

    def has_module_perms(self, user_obj, app_label):
        return app_label == "app"
