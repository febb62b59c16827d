import asyncio  # noqa
import tempfile
import threading

import common  # NOQA: F401 (configures Django)
from django.conf import settings

settings.SESSION_FILE_PATH = tempfile.mkdtemp()
from django.contrib.sessions.backends.file import SessionStore  # NOQA: E402

loop_thread = threading.get_ident()
seen = {}


class Store(SessionStore):
    def _key_to_file(self, session_key=None):
        seen.setdefault(threading.get_ident() == loop_thread, []).append("io")
        return super()._key_to_file(session_key)


async def main():
    s = Store()
    await s.aset("a", 1)
    await s.asave()
    s2 = Store(s.session_key)
    print("aget:", await s2.aget("a"), "aexists:", await s2.aexists(s.session_key))
    await s2.adelete()
    await Store.aclear_expired()


asyncio.run(main())
print(
    "file I/O on the event loop thread:",
    len(seen.get(True, [])),
    "in worker threads:",
    len(seen.get(False, [])),
)
