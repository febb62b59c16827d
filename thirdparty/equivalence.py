"""
What the equivalence checks share: a scenario runs once with the sync
variants of the methods and once with the async variants, from the same
database state, and both runs must return the same values and leave the same
rows.
"""

from asgiref.sync import async_to_sync
from django.db import transaction
from django.test import TestCase


def call_sync(obj, name, /, *args, **kwargs):
    """Call obj's method called name."""
    return getattr(obj, name)(*args, **kwargs)


def call_async(obj, name, /, *args, **kwargs):
    """Call obj's async variant of the method called name, and wait for it."""

    # A manager's methods that proxy its QuerySet's async methods aren't
    # coroutine functions themselves: await them from one.
    async def call():
        return await getattr(obj, f"a{name}")(*args, **kwargs)

    return async_to_sync(call)()


def rows(queryset, *fields):
    """Return the values of fields of queryset's rows, sorted."""
    return sorted(queryset.values_list(*fields))


class EquivalenceTestCase(TestCase):
    def assertVariantsAgree(self, scenario):
        """
        Run scenario(call) with call_sync, then with call_async, each from the
        database state the test is in, and assert that both return the same.
        An exception counts as what the scenario returns.
        """
        results = []
        for call in (call_sync, call_async):
            savepoint = transaction.savepoint_create()
            try:
                results.append(scenario(call))
            except Exception as e:
                results.append(f"{type(e).__name__}: {e}")
            finally:
                transaction.savepoint_rollback(savepoint)
        sync, async_ = results
        self.assertEqual(
            async_, sync, "The async variants disagree with the sync ones."
        )
        return sync
