from safedelete import HARD_DELETE

from equivalence import EquivalenceTestCase, rows

from .models import Author, Book, Note, Tag


class SafeDeleteModelTests(EquivalenceTestCase):
    def test_delete_marks_the_row_deleted(self):
        def scenario(call):
            note = Note.objects.create(text="draft")
            returned = call(note, "delete")
            return returned, rows(Note.deleted_objects, "text")

        label = Note._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario), ((1, {label: 1}), [("draft",)])
        )

    def test_delete_with_force_policy_hard_delete_deletes_the_row(self):
        def scenario(call):
            note = Note.objects.create(text="draft")
            returned = call(note, "delete", force_policy=HARD_DELETE)
            return returned, rows(Note.all_objects, "text")

        label = Note._meta.label
        self.assertEqual(self.assertVariantsAgree(scenario), ((1, {label: 1}), []))

    def test_delete_hard_deletes_an_unreferenced_row_without_cascade(self):
        def scenario(call):
            author = Author.objects.create(name="ann")
            returned = call(author, "delete")
            return returned, rows(Author.all_objects, "name")

        label = Author._meta.label
        self.assertEqual(self.assertVariantsAgree(scenario), ((1, {label: 1}), []))

    def test_delete_soft_deletes_a_referenced_row_without_cascade(self):
        def scenario(call):
            author = Author.objects.create(name="ann")
            Book.objects.create(author=author, title="first")
            returned = call(author, "delete")
            deleted = rows(Author.deleted_objects, "name")
            return returned, deleted, rows(Book.objects, "title")

        label = Author._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            ((1, {label: 1}), [("ann",)], [("first",)]),
        )

    def test_save_undeletes_a_deleted_row(self):
        def scenario(call):
            note = Note.objects.create(text="draft")
            note.delete()
            note.text = "final"
            returned = call(note, "save")
            return returned, rows(Note.objects, "text")

        self.assertEqual(self.assertVariantsAgree(scenario), (None, [("final",)]))

    def test_save_with_keep_deleted_leaves_the_row_deleted(self):
        def scenario(call):
            note = Note.objects.create(text="draft")
            note.delete()
            note.text = "final"
            returned = call(note, "save", keep_deleted=True)
            return returned, rows(Note.deleted_objects, "text")

        self.assertEqual(self.assertVariantsAgree(scenario), (None, [("final",)]))


class SafeDeleteManagerTests(EquivalenceTestCase):
    def test_update_or_create_revives_a_deleted_row_with_a_unique_field(self):
        def scenario(call):
            Tag.objects.create(label="python").delete()
            defaults = {"color": "blue"}
            _, created = call(
                Tag.objects, "update_or_create", defaults=defaults, label="python"
            )
            return created, rows(Tag.objects, "label", "color")

        self.assertEqual(
            self.assertVariantsAgree(scenario), (False, [("python", "blue")])
        )


class SafeDeleteQuerysetTests(EquivalenceTestCase):
    def test_delete_marks_the_rows_deleted(self):
        def scenario(call):
            for text in ["draft", "final", "spam"]:
                Note.objects.create(text=text)
            notes = Note.objects.exclude(text="final")
            returned = call(notes, "delete")
            deleted = rows(Note.deleted_objects, "text")
            return returned, rows(Note.objects, "text"), deleted

        label = Note._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            ((2, {label: 2}), [("final",)], [("draft",), ("spam",)]),
        )

    def test_delete_with_force_policy_hard_delete_deletes_the_rows(self):
        def scenario(call):
            for text in ["draft", "final"]:
                Note.objects.create(text=text)
            drafts = Note.objects.filter(text="draft")
            returned = call(drafts, "delete", force_policy=HARD_DELETE)
            return returned, rows(Note.all_objects, "text")

        label = Note._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario), ((1, {label: 1}), [("final",)])
        )

    def test_update_leaves_the_deleted_rows_alone(self):
        def scenario(call):
            Note.objects.create(text="draft")
            Note.objects.create(text="spam").delete()
            returned = call(Note.objects.all(), "update", text="final")
            return returned, rows(Note.all_objects, "text")

        self.assertEqual(
            self.assertVariantsAgree(scenario), (1, [("final",), ("spam",)])
        )
