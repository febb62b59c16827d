from django.db import models
from simple_history.models import HistoricalRecords


class Poll(models.Model):
    question = models.CharField(max_length=100)
    note = models.CharField(max_length=100, default="")

    history = HistoricalRecords()


class SaveStamped(models.Model):
    name = models.CharField(max_length=100)
    log = models.CharField(max_length=100, default="")

    history = HistoricalRecords()

    def save(self, *args, **kwargs):
        self.log += "save;"
        super().save(*args, **kwargs)


class AsaveStamped(models.Model):
    name = models.CharField(max_length=100)
    log = models.CharField(max_length=100, default="")

    history = HistoricalRecords()

    async def asave(self, *args, **kwargs):
        self.log += "asave;"
        await super().asave(*args, **kwargs)
