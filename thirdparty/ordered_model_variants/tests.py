from equivalence import EquivalenceTestCase, rows

from .models import Item, Playlist, Track


class OrderedModelBaseTests(EquivalenceTestCase):
    def test_save_assigns_the_next_order(self):
        def scenario(call):
            Item.objects.create(title="a")
            item = Item(title="b")
            returned = call(item, "save")
            return returned, item.order, rows(Item.objects, "title", "order")

        self.assertEqual(
            self.assertVariantsAgree(scenario), (None, 1, [("a", 0), ("b", 1)])
        )

    def test_save_moves_an_item_to_the_end_of_its_new_group(self):
        def scenario(call):
            rock = Playlist.objects.create(name="rock")
            jazz = Playlist.objects.create(name="jazz")
            tracks = [
                Track.objects.create(playlist=rock, title=title) for title in "abc"
            ]
            Track.objects.create(playlist=jazz, title="d")
            tracks[0].playlist = jazz
            call(tracks[0], "save")
            return rows(Track.objects, "playlist__name", "order", "title")

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            [("jazz", 0, "d"), ("jazz", 1, "a"), ("rock", 0, "b"), ("rock", 1, "c")],
        )

    def test_delete_moves_the_items_below_up(self):
        def scenario(call):
            items = [Item.objects.create(title=title) for title in "abc"]
            returned = call(items[1], "delete")
            return returned, rows(Item.objects, "title", "order")

        self.assertEqual(
            self.assertVariantsAgree(scenario), (None, [("a", 0), ("c", 1)])
        )

    def test_delete_applies_extra_update_to_the_items_below(self):
        def scenario(call):
            items = [Item.objects.create(title=title) for title in "abc"]
            returned = call(items[0], "delete", extra_update={"moved": True})
            return returned, rows(Item.objects, "title", "order", "moved")

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (None, [("b", 0, True), ("c", 1, True)]),
        )


class OrderedModelQuerySetTests(EquivalenceTestCase):
    def test_bulk_create_assigns_the_next_orders(self):
        def scenario(call):
            Item.objects.create(title="a")
            items = [Item(title="b"), Item(title="c")]
            created = call(Item.objects, "bulk_create", items)
            orders = [item.order for item in created]
            return orders, rows(Item.objects, "title", "order")

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            ([1, 2], [("a", 0), ("b", 1), ("c", 2)]),
        )

    def test_bulk_create_numbers_each_group_on_its_own(self):
        def scenario(call):
            rock = Playlist.objects.create(name="rock")
            jazz = Playlist.objects.create(name="jazz")
            Track.objects.create(playlist=rock, title="a")
            tracks = [
                Track(playlist=rock, title="b"),
                Track(playlist=jazz, title="c"),
                Track(playlist=rock, title="d"),
            ]
            call(Track.objects, "bulk_create", tracks)
            return rows(Track.objects, "playlist__name", "order", "title")

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            [("jazz", 0, "c"), ("rock", 0, "a"), ("rock", 1, "b"), ("rock", 2, "d")],
        )

    def test_create_assigns_the_next_order(self):
        def scenario(call):
            Item.objects.create(title="a")
            item = call(Item.objects, "create", title="b")
            return item.order, rows(Item.objects, "title", "order")

        self.assertEqual(self.assertVariantsAgree(scenario), (1, [("a", 0), ("b", 1)]))

    def test_get_or_create_assigns_the_next_order(self):
        def scenario(call):
            Item.objects.create(title="a")
            item, created = call(Item.objects, "get_or_create", title="b")
            return item.order, created, rows(Item.objects, "title", "order")

        self.assertEqual(
            self.assertVariantsAgree(scenario), (1, True, [("a", 0), ("b", 1)])
        )

    def test_delete_moves_the_items_below_up(self):
        def scenario(call):
            for title in "abcd":
                Item.objects.create(title=title)
            returned = call(Item.objects.filter(title="b"), "delete")
            return returned, rows(Item.objects, "title", "order")

        label = Item._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            ((1, {label: 1}), [("a", 0), ("c", 1), ("d", 2)]),
        )
