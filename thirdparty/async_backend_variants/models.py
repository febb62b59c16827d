from django.db import models
from django_async_backend.db.models.base import AsyncModelMixin


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
