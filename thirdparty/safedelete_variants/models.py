from django.db import models
from safedelete import HARD_DELETE_NOCASCADE
from safedelete.models import SafeDeleteModel


class Note(SafeDeleteModel):
    text = models.CharField(max_length=100)


class Tag(SafeDeleteModel):
    label = models.CharField(max_length=100, unique=True)
    color = models.CharField(max_length=100, blank=True)


class Author(SafeDeleteModel):
    _safedelete_policy = HARD_DELETE_NOCASCADE

    name = models.CharField(max_length=100)


class Book(models.Model):
    author = models.ForeignKey(Author, models.CASCADE)
    title = models.CharField(max_length=100)
