from equivalence import EquivalenceTestCase, rows

from .models import Category, Genre, OrderedGenre


def build(model):
    """Create the tree root > (a > a1, b) and return its root, fresh."""
    root = model.objects.create(title="root")
    a = model.objects.create(title="a", parent=root)
    model.objects.create(title="a1", parent=a)
    model.objects.create(title="b", parent=root)
    return model.objects.get(title="root")


def tree(model):
    """Return the title and tree fields of each node of model, sorted."""
    return rows(model.objects, "title", "tree_id", "lft", "rght", "level")


class MPTTModelTests(EquivalenceTestCase):
    def test_save_of_a_new_child_sets_its_tree_fields(self):
        def scenario(call):
            root = build(Genre)
            node = Genre(title="c", parent=root)
            returned = call(node, "save")
            return returned, (node.lft, node.rght, node.level), tree(Genre)

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (
                None,
                (8, 9, 1),
                [
                    ("a", 1, 2, 5, 1),
                    ("a1", 1, 3, 4, 2),
                    ("b", 1, 6, 7, 1),
                    ("c", 1, 8, 9, 1),
                    ("root", 1, 1, 10, 0),
                ],
            ),
        )

    def test_save_with_a_new_parent_moves_the_subtree(self):
        def scenario(call):
            build(Genre)
            node = Genre.objects.get(title="a")
            node.parent = Genre.objects.get(title="b")
            returned = call(node, "save")
            return returned, tree(Genre)

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (
                None,
                [
                    ("a", 1, 3, 6, 2),
                    ("a1", 1, 4, 5, 3),
                    ("b", 1, 2, 7, 1),
                    ("root", 1, 1, 8, 0),
                ],
            ),
        )

    def test_delete_removes_the_subtree_and_closes_the_gap(self):
        def scenario(call):
            build(Genre)
            returned = call(Genre.objects.get(title="a"), "delete")
            return returned, tree(Genre)

        label = Genre._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            ((2, {label: 2}), [("b", 1, 2, 3, 1), ("root", 1, 1, 4, 0)]),
        )

    def test_delete_override_without_arguments_removes_the_subtree(self):
        def scenario(call):
            build(Category)
            returned = call(Category.objects.get(title="a"), "delete")
            return returned, tree(Category)

        label = Category._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            ((2, {label: 2}), [("b", 1, 2, 3, 1), ("root", 1, 1, 4, 0)]),
        )


class TreeManagerTests(EquivalenceTestCase):
    def test_create_inserts_the_node_in_order_insertion_by_order(self):
        def scenario(call):
            root = build(OrderedGenre)
            node = call(OrderedGenre.objects, "create", title="aa", parent=root)
            return (node.lft, node.rght, node.level), tree(OrderedGenre)

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (
                (6, 7, 1),
                [
                    ("a", 1, 2, 5, 1),
                    ("a1", 1, 3, 4, 2),
                    ("aa", 1, 6, 7, 1),
                    ("b", 1, 8, 9, 1),
                    ("root", 1, 1, 10, 0),
                ],
            ),
        )

    def test_get_or_create_inserts_a_new_node_into_the_tree(self):
        def scenario(call):
            root = build(Genre)
            node, created = call(
                Genre.objects, "get_or_create", title="c", defaults={"parent": root}
            )
            return created, (node.lft, node.rght, node.level), tree(Genre)

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (
                True,
                (8, 9, 1),
                [
                    ("a", 1, 2, 5, 1),
                    ("a1", 1, 3, 4, 2),
                    ("b", 1, 6, 7, 1),
                    ("c", 1, 8, 9, 1),
                    ("root", 1, 1, 10, 0),
                ],
            ),
        )
