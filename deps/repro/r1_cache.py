import asyncio  # noqa

import common  # NOQA: F401 (configures Django)
from django.core.cache.backends.locmem import LocMemCache


class FloorCache(LocMemCache):
    def decr(self, key, delta=1, version=None):
        new = max(self.get(key, version=version) - delta, 0)
        self.set(key, new, version=version)
        return new

    def decr_version(self, key, delta=1, version=None):
        return version  # Versions never go down.


c = FloorCache("r1", {})
c.set("k", 1)
print("decr:", c.decr("k", 5))
c.set("k", 1)
print("adecr:", asyncio.run(c.adecr("k", 5)))
c.set("v", 1, version=2)
print("decr_version:", c.decr_version("v", version=2))
print("adecr_version:", asyncio.run(c.adecr_version("v", version=2)))
