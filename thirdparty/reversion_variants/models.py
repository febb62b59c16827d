import reversion
from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=100)


@reversion.register()
class Article(models.Model):
    title = models.CharField(max_length=100)
    tags = models.ManyToManyField(Tag)


@reversion.register()
class AsaveStamped(models.Model):
    name = models.CharField(max_length=100)
    log = models.CharField(max_length=100, default="")

    async def asave(self, *args, **kwargs):
        self.log += "asave;"
        await super().asave(*args, **kwargs)
