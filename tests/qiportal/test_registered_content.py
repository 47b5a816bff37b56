"""What an app (the laws, say) adds to the content file and the updates
feed by registering it, without the explainer knowing it."""

from unittest import mock

import pytest

from qiportal import contentfile, feeds
from tests.factories import CourtCaseFactory

pytestmark = pytest.mark.django_db


def test_a_registered_section_is_exported_and_loaded_after_the_others(client):
    CourtCaseFactory(slug="pearson", name="Pearson v. Callahan")
    seen = {}

    def load(data, loaded, now):
        seen["data"], seen["cases"] = data, sorted(loaded["cases"])

    with mock.patch.object(contentfile, "_sections", contentfile.sections()):
        contentfile.register_section(
            "extra", models=[], export=lambda: [{"slug": "sb-20-217"}], load=load
        )
        exported = contentfile.export_content()
        assert exported["extra"] == [{"slug": "sb-20-217"}]
        for model in reversed(list(contentfile.content_counts())):
            model.objects.all().delete()
        contentfile.import_content(exported)
    # It got its own data, and could find the cases loaded before it.
    assert seen == {"data": [{"slug": "sb-20-217"}], "cases": ["pearson"]}
    assert "extra" not in contentfile.export_content()  # gone with the patch


def test_a_registered_kind_is_in_the_updates_feed(client):
    case = CourtCaseFactory(name="Pearson v. Callahan", holding="Order optional.")
    with mock.patch.object(feeds, "_updates", []):
        feeds.register_update(
            type(case), label="Ruling", plural="rulings", describe=lambda c: c.holding.upper()
        )
        feed = client.get("/feeds/updates/").text
    assert "<title>Ruling: Pearson v. Callahan</title>" in feed
    assert "ORDER OPTIONAL." in feed
    assert "New and changed rulings." in feed
