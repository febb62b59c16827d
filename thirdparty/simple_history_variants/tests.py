import datetime

from equivalence import EquivalenceTestCase, rows

from .models import AsaveStamped, Poll, SaveStamped

LONG_AGO = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


class SaveTests(EquivalenceTestCase):
    def test_save_records_a_creation_with_its_change_reason(self):
        def scenario(call):
            poll = Poll(question="q")
            poll._change_reason = "created"
            returned = call(poll, "save")
            history = rows(Poll.history, "history_type", "history_change_reason")
            return returned, history

        self.assertEqual(self.assertVariantsAgree(scenario), (None, [("+", "created")]))

    def test_save_records_a_change_with_its_change_reason(self):
        def scenario(call):
            poll = Poll.objects.create(question="q")
            poll.question = "q2"
            poll._change_reason = "edited"
            returned = call(poll, "save")
            changes = Poll.history.filter(history_type="~")
            return returned, rows(changes, "question", "history_change_reason")

        self.assertEqual(self.assertVariantsAgree(scenario), (None, [("q2", "edited")]))


class DeleteTests(EquivalenceTestCase):
    def test_delete_of_a_deferred_instance_records_all_its_fields(self):
        def scenario(call):
            Poll.objects.create(question="q", note="n")
            poll = Poll.objects.only("pk").get()
            returned = call(poll, "delete")
            deleted = Poll.history.filter(history_type="-")
            return returned, rows(deleted, "question", "note")

        label = Poll._meta.label
        self.assertEqual(
            self.assertVariantsAgree(scenario), ((1, {label: 1}), [("q", "n")])
        )


class GetOrCreateTests(EquivalenceTestCase):
    def test_get_or_create_records_a_creation(self):
        def scenario(call):
            _, created = call(
                Poll.objects.all(),
                "get_or_create",
                question="q",
                defaults={"note": "n"},
            )
            return created, rows(Poll.history, "history_type", "question", "note")

        self.assertEqual(self.assertVariantsAgree(scenario), (True, [("+", "q", "n")]))

    def test_get_or_create_of_an_existing_row_records_nothing(self):
        def scenario(call):
            Poll.objects.create(question="q")
            _, created = call(Poll.objects.all(), "get_or_create", question="q")
            return created, rows(Poll.history, "history_type", "question")

        self.assertEqual(self.assertVariantsAgree(scenario), (False, [("+", "q")]))

    def test_update_or_create_of_an_existing_row_records_a_change(self):
        def scenario(call):
            Poll.objects.create(question="q")
            _, created = call(
                Poll.objects.all(),
                "update_or_create",
                question="q",
                defaults={"note": "n"},
            )
            return created, rows(Poll.history, "history_type", "question", "note")

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (False, [("+", "q", ""), ("~", "q", "n")]),
        )


class AsOfTests(EquivalenceTestCase):
    def test_get_from_as_of_returns_the_instance_as_it_was(self):
        def scenario(call):
            poll = Poll.objects.create(question="old")
            Poll.history.update(history_date=LONG_AGO)
            poll.question = "new"
            poll.save()
            past = call(Poll.history.as_of(LONG_AGO), "get", pk=poll.pk)
            return type(past), past.question

        self.assertEqual(self.assertVariantsAgree(scenario), (Poll, "old"))


class OverrideTests(EquivalenceTestCase):
    def test_asave_records_the_effect_of_a_save_override(self):
        def scenario(call):
            stamped = SaveStamped(name="s")
            call(stamped, "save")
            return stamped.log, rows(SaveStamped.history, "history_type", "log")

        self.assertEqual(
            self.assertVariantsAgree(scenario), ("save;", [("+", "save;")])
        )

    def test_save_records_the_effect_of_an_asave_override(self):
        def scenario(call):
            stamped = AsaveStamped(name="s")
            call(stamped, "save")
            return stamped.log, rows(AsaveStamped.history, "history_type", "log")

        self.assertEqual(
            self.assertVariantsAgree(scenario), ("asave;", [("+", "asave;")])
        )
