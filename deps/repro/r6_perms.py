import asyncio, common  # noqa
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

User.objects.filter(username="p").delete()
u = User.objects.create_user("p")
b = ModelBackend()
b.get_all_permissions(u)
print("sync sets _perm_cache:", hasattr(u, "_perm_cache"))
u2 = User.objects.get(username="p")
asyncio.run(b.aget_all_permissions(u2))
print("async sets _perm_cache:", hasattr(u2, "_perm_cache"))
inactive = User(username="i", is_active=False)
print(b.get_all_permissions(inactive, obj=None), asyncio.run(b.aget_all_permissions(inactive)))
