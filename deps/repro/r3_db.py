import asyncio  # noqa

import common  # NOQA: F401 (configures Django)
from django.core.management import call_command

call_command("migrate", verbosity=0)
from django.contrib.sessions.backends.db import SessionStore  # NOQA: E402


class Store(SessionStore):
    def create_model_instance(self, data):
        obj = super().create_model_instance(data)
        obj.session_data = self.encode({**data, "marker": "from override"})
        return obj


s = Store()
s["a"] = 1
s.save()
print("save():", Store(s.session_key).load())


async def main():
    s = Store()
    await s.aset("a", 1)
    await s.asave()
    return s.session_key


key = asyncio.run(main())
print("asave():", Store(key).load())
