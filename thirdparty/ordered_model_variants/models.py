from django.db import models
from ordered_model.models import OrderedModel


class Item(OrderedModel):
    title = models.CharField(max_length=100)
    moved = models.BooleanField(default=False)


class Playlist(models.Model):
    name = models.CharField(max_length=100)


class Track(OrderedModel):
    playlist = models.ForeignKey(Playlist, models.CASCADE)
    title = models.CharField(max_length=100)

    order_with_respect_to = "playlist"

    class Meta(OrderedModel.Meta):
        ordering = ("playlist", "order")
