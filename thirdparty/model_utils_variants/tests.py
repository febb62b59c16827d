import datetime

from equivalence import EquivalenceTestCase, rows

from .models import Article, Comment, Task, Tracked

LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class TimeStampedModelTests(EquivalenceTestCase):
    def test_save_with_update_fields_sets_modified(self):
        def scenario(call):
            article = Article.objects.create(title="draft")
            Article.objects.update(modified=LONG_AGO)
            article.title = "final"
            returned = call(article, "save", update_fields=["title"])
            return returned, rows(Article.objects.filter(modified=LONG_AGO), "title")

        self.assertEqual(self.assertVariantsAgree(scenario), (None, []))


class StatusModelTests(EquivalenceTestCase):
    def test_save_with_update_fields_sets_status_changed(self):
        def scenario(call):
            task = Task.objects.create(title="task")
            Task.objects.update(status_changed=LONG_AGO)
            task.status = Task.STATUS.published
            returned = call(task, "save", update_fields=["status"])
            changed = Task.objects.exclude(status_changed=LONG_AGO)
            return returned, rows(changed, "title", "status")

        self.assertEqual(
            self.assertVariantsAgree(scenario), (None, [("task", "published")])
        )


class SoftDeletableModelTests(EquivalenceTestCase):
    def test_delete_marks_removed(self):
        def scenario(call):
            comment = Comment.objects.create(text="spam")
            returned = call(comment, "delete")
            return returned, rows(Comment.all_objects, "text", "is_removed")

        self.assertEqual(self.assertVariantsAgree(scenario), (None, [("spam", True)]))

    def test_delete_not_soft_deletes_the_row(self):
        def scenario(call):
            comment = Comment.objects.create(text="spam")
            returned = call(comment, "delete", soft=False)
            return returned, rows(Comment.all_objects, "text")

        label = Comment._meta.label
        self.assertEqual(self.assertVariantsAgree(scenario), ((1, {label: 1}), []))

    def test_queryset_delete_marks_removed(self):
        def scenario(call):
            Comment.objects.create(text="spam")
            Comment.objects.create(text="ham")
            returned = call(Comment.objects.filter(text="spam"), "delete")
            return returned, rows(Comment.all_objects, "text", "is_removed")

        label = Comment._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario),
            ((1, {label: 1}), [("ham", False), ("spam", True)]),
        )


class FieldTrackerTests(EquivalenceTestCase):
    def test_refresh_from_db_resets_the_tracker(self):
        def scenario(call):
            tracked = Tracked.objects.create(name="old")
            Tracked.objects.update(name="new")
            call(tracked, "refresh_from_db")
            return tracked.name, tracked.tracker.changed()

        self.assertEqual(self.assertVariantsAgree(scenario), ("new", {}))

    def test_save_resets_the_tracker(self):
        def scenario(call):
            tracked = Tracked.objects.create(name="old")
            tracked.name = "new"
            call(tracked, "save")
            return tracked.tracker.changed(), rows(Tracked.objects, "name")

        self.assertEqual(self.assertVariantsAgree(scenario), ({}, [("new",)]))
