"""
A test runner that also writes each test's outcome, "pass", "fail" or
"skip", as JSON to the file that EQUIVALENCE_RESULTS names.
"""

import json
import os
import unittest

from django.test.runner import DiscoverRunner


class EquivalenceRunner(DiscoverRunner):
    def run_suite(self, suite, **kwargs):
        # Running a suite drops its tests.
        outcomes = {test.id(): "pass" for test in _tests(suite)}
        result = super().run_suite(suite, **kwargs)
        for test, _ in result.skipped:
            outcomes[test.id()] = "skip"
        for test, _ in result.failures + result.errors:
            # A failing subtest fails its test.
            outcomes[getattr(test, "test_case", test).id()] = "fail"
        if path := os.environ.get("EQUIVALENCE_RESULTS"):
            with open(path, "w") as f:
                json.dump(outcomes, f, indent=2, sort_keys=True)
        return result


def _tests(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from _tests(test)
        else:
            yield test
