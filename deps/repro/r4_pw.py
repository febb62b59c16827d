import asyncio  # noqa

import common  # NOQA: F401 (configures Django)
from django.contrib.auth.models import User


class LockedUser(User):
    class Meta:
        proxy = True
        app_label = "auth"

    def check_password(self, raw_password):
        return False  # Account locked out.


u = LockedUser(username="u")
u.set_password("pw")
print("check_password:", u.check_password("pw"))
print("acheck_password:", asyncio.run(u.acheck_password("pw")))
