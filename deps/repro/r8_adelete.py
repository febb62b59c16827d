import asyncio, common  # noqa
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.auth.models import Group

class G(Group):
    class Meta:
        proxy = True
        app_label = "auth"
    def delete(self, *args, **kwargs):
        print("  delete() got", args, kwargs)
        return super().delete(*args, **kwargs)

g = G.objects.create(name="a"); print("delete():"); g.delete()
g = G.objects.create(name="b"); print("adelete():"); asyncio.run(g.adelete())
