import reversion
from reversion.models import Revision, Version

from equivalence import EquivalenceTestCase, rows

from .models import Article, AsaveStamped, Tag


def versions(field):
    """Return the comment of each version's revision and its field, sorted."""
    return sorted(
        (version.revision.comment, version.field_dict[field])
        for version in Version.objects.select_related("revision")
    )


def article_with_two_versions():
    """Create an article in one revision and change it in another."""
    with reversion.create_revision():
        article = Article.objects.create(title="draft")
    with reversion.create_revision():
        article.title = "final"
        article.save()
    return article


class CreateRevisionTests(EquivalenceTestCase):
    def test_save_in_a_revision_records_a_version(self):
        def scenario(call):
            with reversion.create_revision():
                reversion.set_comment("created")
                returned = call(Article(title="draft"), "save")
            return returned, versions("title")

        self.assertEqual(
            self.assertVariantsAgree(scenario), (None, [("created", "draft")])
        )

    def test_create_then_save_records_two_revisions(self):
        def scenario(call):
            with reversion.create_revision():
                reversion.set_comment("created")
                article = call(Article.objects.all(), "create", title="draft")
            with reversion.create_revision():
                reversion.set_comment("edited")
                article.title = "final"
                call(article, "save")
            return rows(Revision.objects, "comment"), versions("title")

        self.assertEqual(
            self.assertVariantsAgree(scenario),
            (
                [("created",), ("edited",)],
                [("created", "draft"), ("edited", "final")],
            ),
        )

    def test_add_in_a_revision_records_the_tags(self):
        def scenario(call):
            article = Article.objects.create(title="draft")
            tag = Tag.objects.create(name="news")
            with reversion.create_revision():
                reversion.set_comment("tagged")
                call(article.tags, "add", tag)
            version = Version.objects.get_for_object(article).get()
            tags = Tag.objects.filter(pk__in=version.field_dict["tags"])
            return version.revision.comment, rows(tags, "name")

        self.assertEqual(self.assertVariantsAgree(scenario), ("tagged", [("news",)]))

    def test_save_in_a_revision_records_the_effect_of_an_asave_override(self):
        def scenario(call):
            stamped = AsaveStamped(name="s")
            with reversion.create_revision():
                reversion.set_comment("stamped")
                call(stamped, "save")
            return stamped.log, versions("log")

        self.assertEqual(
            self.assertVariantsAgree(scenario), ("asave;", [("stamped", "asave;")])
        )


class GetForObjectTests(EquivalenceTestCase):
    def test_count_counts_the_versions(self):
        def scenario(call):
            article = article_with_two_versions()
            return call(Version.objects.get_for_object(article), "count")

        self.assertEqual(self.assertVariantsAgree(scenario), 2)

    def test_first_returns_the_latest_version(self):
        def scenario(call):
            article = article_with_two_versions()
            version = call(Version.objects.get_for_object(article), "first")
            return version.field_dict["title"]

        self.assertEqual(self.assertVariantsAgree(scenario), "final")
