from django.db import models
from polymorphic.models import PolymorphicModel


class Animal(PolymorphicModel):
    title = models.CharField(max_length=50)


class Dog(Animal):
    breed = models.CharField(max_length=50, default="")


class Puppy(Dog):
    age = models.IntegerField(default=0)


class Cat(Animal):
    saves = models.IntegerField(default=0)

    async def asave(self, *args, **kwargs):
        self.saves += 1
        await super().asave(*args, **kwargs)
