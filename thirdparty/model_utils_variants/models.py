from django.db import models
from model_utils import Choices
from model_utils.models import SoftDeletableModel, StatusModel, TimeStampedModel
from model_utils.tracker import FieldTracker


class Article(TimeStampedModel):
    title = models.CharField(max_length=100)


class Task(StatusModel):
    STATUS = Choices("draft", "published")
    title = models.CharField(max_length=100)


class Comment(SoftDeletableModel):
    text = models.CharField(max_length=100)

    all_objects = models.Manager()


class Tracked(models.Model):
    name = models.CharField(max_length=100)

    tracker = FieldTracker()
