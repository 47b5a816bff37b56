"""The shipped content: loaded once, never overwriting what staff did."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import Citation, CourtCase
from explainer.models import FAQItem, Introduction, Topic

pytestmark = pytest.mark.django_db


def load(**options):
    out = StringIO()
    call_command("load_content", stdout=out, **options)
    return out.getvalue()


def counts():
    return [model.objects.count() for model in (Introduction, Topic, FAQItem, CourtCase, Citation)]


def test_it_loads_the_seed_and_the_landmark_cases():
    load()
    assert Introduction.objects.get().title == "Qualified Immunity"
    assert Topic.objects.published().count() == 6
    assert FAQItem.objects.published().count() >= 4
    names = set(CourtCase.objects.published().values_list("name", flat=True))
    assert {"Pearson v. Callahan", "Ziglar v. Abbasi", "Mullenix v. Luna"} <= names
    assert len(names) == 14
    pearson = CourtCase.objects.get(slug="pearson-v-callahan")
    assert [str(c) for c in pearson.citations.all()] == ["555 U.S. 223", "129 S. Ct. 808"]
    assert pearson.year == 2009
    assert pearson.topics.filter(slug="qualified-immunity-in-the-courts").exists()


def test_every_case_has_both_citations_and_a_summary():
    load()
    for case in CourtCase.objects.prefetch_related("citations"):
        reporters = [citation.reporter for citation in case.citations.all()]
        assert reporters == ["U.S.", "S. Ct."], case.name
        assert case.summary_html.startswith("<p>"), case.name


def test_running_it_again_changes_nothing():
    load()
    before = counts()
    stamps = list(Topic.objects.values_list("updated_at", flat=True))
    assert "nothing changed" in load()
    assert counts() == before
    assert list(Topic.objects.values_list("updated_at", flat=True)) == stamps


def test_staff_edits_are_never_overwritten():
    load()
    Topic.objects.filter(slug="what-is-qualified-immunity").update(title="Edited by staff")
    load()
    assert Topic.objects.get(slug="what-is-qualified-immunity").title == "Edited by staff"


def test_what_staff_deleted_stays_deleted():
    load()
    CourtCase.objects.get(slug="kisela-v-hughes").delete()
    FAQItem.objects.get(slug="is-qualified-immunity-absolute").delete()
    load()
    assert not CourtCase.objects.filter(slug="kisela-v-hughes").exists()
    assert not FAQItem.objects.filter(slug="is-qualified-immunity-absolute").exists()


def test_a_broken_content_file_is_reported_in_words(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[[topics]\nslug = ")
    with pytest.raises(CommandError, match="not valid TOML"):
        load(file=broken)
    with pytest.raises(CommandError, match="Cannot read"):
        load(file=tmp_path / "missing.toml")
