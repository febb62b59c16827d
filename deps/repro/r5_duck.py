import asyncio  # noqa

import common  # NOQA: F401 (configures Django)
from django.contrib import auth
from django.contrib.auth.models import User

u = User(username="u", is_active=True)
print("authenticate:", auth.authenticate(username="x", password="y"))
print(
    "has_perm:", u.has_perm("app.duck"), "has_module_perms:", u.has_module_perms("app")
)
for name, coro in [
    ("aauthenticate", lambda: auth.aauthenticate(username="x", password="y")),
    ("ahas_perm", lambda: u.ahas_perm("app.duck")),
    ("ahas_module_perms", lambda: u.ahas_module_perms("app")),
]:
    try:
        print(name + ":", asyncio.run(coro()))
    except Exception as e:
        print(name + ":", type(e).__name__, e)
