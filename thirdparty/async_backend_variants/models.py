from django.db import models
from django_async_backend.db.models.base import AsyncModelMixin
from model_utils.models import SoftDeletableModel, TimeStampedModel
from safedelete.models import SafeDeleteModel


class Author(AsyncModelMixin, models.Model):
    name = models.CharField(max_length=100, unique=True)


class Book(AsyncModelMixin, models.Model):
    author = models.ForeignKey(Author, models.CASCADE, null=True)
    title = models.CharField(max_length=100)
    pages = models.IntegerField(default=0)
    edition = models.CharField(max_length=20, default="first")


class Review(AsyncModelMixin, models.Model):
    book = models.ForeignKey(Book, models.CASCADE)
    stars = models.IntegerField()


# Models of Django's API only: their async variants are native on the end
# state (endstate/), in a thread elsewhere.
class Plain(models.Model):
    name = models.CharField(max_length=100)
    pages = models.IntegerField(default=0)


class Stamped(TimeStampedModel):
    """model_utils' TimeStampedModel overrides save()."""

    name = models.CharField(max_length=100)


class Comment(SoftDeletableModel):
    """model_utils' SoftDeletableModel overrides delete()."""

    text = models.CharField(max_length=100)


class Note(SafeDeleteModel):
    """safedelete's SafeDeleteModel overrides save() and delete()."""

    text = models.CharField(max_length=100)
