from django.db.models import Max

from equivalence import EquivalenceTestCase, rows

from .models import Animal, Cat, Dog, Puppy


def kinds():
    """Return the title and polymorphic_ctype model of each animal, sorted."""
    return rows(Animal.objects, "title", "polymorphic_ctype__model")


class PolymorphicModelTests(EquivalenceTestCase):
    def test_save_sets_the_polymorphic_ctype(self):
        def scenario(call):
            dog = Dog(title="rex", breed="lab")
            returned = call(dog, "save")
            return returned, kinds()

        self.assertEqual(self.assertVariantsAgree(scenario), (None, [("rex", "dog")]))

    def test_save_runs_an_asave_only_override_once(self):
        def scenario(call):
            cat = Cat(title="tom")
            returned = call(cat, "save")
            return returned, rows(Cat.objects, "title", "saves"), kinds()

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (None, [("tom", 1)], [("tom", "cat")]),
        )

    def test_delete_keep_parents_upcasts_the_parent_row(self):
        def scenario(call):
            puppy = Puppy.objects.create(title="rex")
            returned = call(puppy, "delete", keep_parents=True)
            return returned, kinds()

        label = Puppy._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario), ((1, {label: 1}), [("rex", "dog")])
        )


class PolymorphicQuerySetTests(EquivalenceTestCase):
    def test_get_returns_the_subclass_instance(self):
        def scenario(call):
            Dog.objects.create(title="rex", breed="lab")
            animal = call(Animal.objects, "get", title="rex")
            return type(animal).__name__, animal.breed

        self.assertEqual(self.assertVariantsAgree(scenario), ("Dog", "lab"))

    def test_first_returns_the_subclass_instance(self):
        def scenario(call):
            Puppy.objects.create(title="rex", age=1)
            Animal.objects.create(title="zed")
            animal = call(Animal.objects.order_by("title"), "first")
            return type(animal).__name__, animal.age

        self.assertEqual(self.assertVariantsAgree(scenario), ("Puppy", 1))

    def test_bulk_create_sets_the_polymorphic_ctype(self):
        def scenario(call):
            animals = [Animal(title="a"), Animal(title="b")]
            call(Animal.objects, "bulk_create", animals)
            return kinds()

        self.assertEqual(
            self.assertVariantsAgree(scenario), [("a", "animal"), ("b", "animal")]
        )

    def test_aggregate_follows_subclass_field_paths(self):
        def scenario(call):
            Dog.objects.create(title="rex", breed="lab")
            Puppy.objects.create(title="max", breed="pug")
            Animal.objects.create(title="zed")
            return call(Animal.objects, "aggregate", breed=Max("Dog___breed"))

        self.assertEqual(self.assertVariantsAgree(scenario), {"breed": "pug"})

    def test_delete_removes_the_subclass_rows(self):
        def scenario(call):
            Puppy.objects.create(title="rex")
            Dog.objects.create(title="max")
            Animal.objects.create(title="zed")
            returned = call(Animal.objects.filter(title__in=["rex", "max"]), "delete")
            return returned, kinds()

        counts = {Animal._meta.label: 2, Dog._meta.label: 2, Puppy._meta.label: 1}
        self.assertEqual(
            self.assertVariantsAgree(scenario), ((5, counts), [("zed", "animal")])
        )
