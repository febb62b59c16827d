from equivalence import EquivalenceTestCase, rows

from .models import ALNode, MPNode, NSNode

TREE_FIELDS = {
    MPNode: ["path", "depth", "numchild"],
    NSNode: ["tree_id", "lft", "rgt", "depth"],
    ALNode: ["parent__title", "sib_order"],
}


def build(model):
    """Create the trees root > (a > a1, b) and other."""
    root = model.objects.add_root({"title": "root"})
    a = model.objects.add_child(root, {"title": "a"})
    model.objects.add_child(a, {"title": "a1"})
    model.objects.add_child(root, {"title": "b"})
    model.objects.add_root({"title": "other"})


def tree(model):
    """Return the title and tree fields of each node of model, sorted."""
    return rows(model.objects, "title", *TREE_FIELDS[model])


class MP_NodeTests(EquivalenceTestCase):
    def test_delete_removes_the_subtree(self):
        def scenario(call):
            build(MPNode)
            returned = call(MPNode.objects.get(title="a"), "delete")
            return returned, tree(MPNode)

        label = MPNode._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (
                (2, {label: 2}),
                [("b", "0102", 2, 0), ("other", "02", 1, 0), ("root", "01", 1, 1)],
            ),
        )

    def test_queryset_delete_removes_the_descendants(self):
        def scenario(call):
            build(MPNode)
            returned = call(MPNode.objects.filter(title__in=["a", "b"]), "delete")
            return returned, tree(MPNode)

        label = MPNode._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            ((3, {label: 3}), [("other", "02", 1, 0), ("root", "01", 1, 0)]),
        )

    def test_refresh_from_db_forgets_the_cached_parent(self):
        def scenario(call):
            build(MPNode)
            node = MPNode.objects.get(title="a1")
            MPNode.objects.get_parent(node)
            b = MPNode.objects.get(title="b")
            MPNode.objects.move(MPNode.objects.get(title="a1"), b, "last-child")
            call(node, "refresh_from_db")
            return MPNode.objects.get_parent(node).title

        self.assertEqual(self.assertVariantsAgree(scenario), "b")


class NS_NodeTests(EquivalenceTestCase):
    def test_delete_removes_the_subtree_and_closes_the_gap(self):
        def scenario(call):
            build(NSNode)
            returned = call(NSNode.objects.get(title="a"), "delete")
            return returned, tree(NSNode)

        label = NSNode._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (
                (2, {label: 2}),
                [("b", 1, 2, 3, 2), ("other", 2, 1, 2, 1), ("root", 1, 1, 4, 1)],
            ),
        )

    def test_queryset_delete_removes_the_descendants(self):
        def scenario(call):
            build(NSNode)
            returned = call(NSNode.objects.filter(title__in=["a1", "b"]), "delete")
            return returned, tree(NSNode)

        label = NSNode._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (
                (2, {label: 2}),
                [("a", 1, 2, 3, 2), ("other", 2, 1, 2, 1), ("root", 1, 1, 4, 1)],
            ),
        )

    def test_refresh_from_db_forgets_the_cached_parent(self):
        def scenario(call):
            build(NSNode)
            node = NSNode.objects.get(title="a1")
            NSNode.objects.get_parent(node)
            b = NSNode.objects.get(title="b")
            NSNode.objects.move(NSNode.objects.get(title="a1"), b, "last-child")
            call(node, "refresh_from_db")
            return NSNode.objects.get_parent(node).title

        self.assertEqual(self.assertVariantsAgree(scenario), "b")


class AL_NodeTests(EquivalenceTestCase):
    def test_delete_removes_the_subtree(self):
        def scenario(call):
            build(ALNode)
            returned = call(ALNode.objects.get(title="a"), "delete")
            return returned, tree(ALNode)

        label = ALNode._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (
                (2, {label: 2}),
                [("b", "root", 2), ("other", None, 2), ("root", None, 1)],
            ),
        )

    def test_refresh_from_db_forgets_the_cached_depth(self):
        def scenario(call):
            build(ALNode)
            node = ALNode.objects.get(title="a1")
            node.get_depth()
            root = ALNode.objects.get(title="root")
            ALNode.objects.move(ALNode.objects.get(title="a1"), root, "last-child")
            call(node, "refresh_from_db")
            return node.get_depth()

        self.assertEqual(self.assertVariantsAgree(scenario), 2)
