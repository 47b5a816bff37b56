"""The shipped content: loaded once, never overwriting what staff did."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import CaseRelation, Citation, Court, CourtCase
from explainer.management.commands.load_content import CONTENT_FILE
from explainer.models import FAQItem, GlossaryTerm, Introduction, ShippedItem, Topic
from qiportal.models import TextRendering
from tests.factories import CitationFactory, CourtCaseFactory, CourtFactory, GlossaryTermFactory

pytestmark = pytest.mark.django_db


def run(**options):
    """What the command says: (standard output, standard error)."""
    out, err = StringIO(), StringIO()
    call_command("load_content", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def load(**options):
    return run(**options)[0]


def counts():
    return [model.objects.count() for model in (Introduction, Topic, FAQItem, CourtCase, Citation)]


def test_it_loads_the_seed_and_the_landmark_cases():
    load()
    assert Introduction.objects.get().title == "Qualified Immunity"
    assert Topic.objects.published().count() == 6
    assert FAQItem.objects.published().count() >= 4
    names = set(CourtCase.objects.published().values_list("name", flat=True))
    assert {"Pearson v. Callahan", "Ziglar v. Abbasi", "Mullenix v. Luna"} <= names
    assert len(names) == 30
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


@pytest.fixture
def added_by_staff():
    """Before the portal shipped them: a court, a case and a key term, under slugs of staff's."""
    court = CourtFactory(name="Supreme Court of the United States", short_name="SCOTUS", slug="us")
    harlow = CourtCaseFactory(
        name="Harlow v. Fitzgerald", slug="harlow", court=court, year=1982, summary="Staff's."
    )
    CitationFactory(case=harlow, volume=457, reporter="U.S.", page=800)
    GlossaryTermFactory(term="Qualified immunity", slug="qi", definition="Staff's definition.")
    return court


def rows_of_staff():
    return [
        list(model.objects.filter(slug=slug).values())
        for model, slug in [(Court, "us"), (CourtCase, "harlow"), (GlossaryTerm, "qi")]
    ] + [list(Citation.objects.filter(case__slug="harlow").values())]


def test_items_staff_added_under_other_slugs_are_reported_and_the_rest_loads(added_by_staff):
    before = rows_of_staff()
    out, err = run()
    assert err == ""
    assert "Loaded the shipped content: 16 key terms, 1 introduction, 6 topics" in out
    assert "29 court cases, 25 relations between cases." in out
    assert (
        "- key term “qualified immunity” (qualified-immunity): already present as "
        "“Qualified immunity” under the slug qi (the same term)."
    ) in out
    assert (
        "- court “Supreme Court of the United States” (supreme-court): already present as "
        "“Supreme Court of the United States” under the slug us (the same name)."
    ) in out
    assert (
        "- case “Harlow v. Fitzgerald” (harlow-v-fitzgerald): already present as "
        "“Harlow v. Fitzgerald” under the slug harlow (the same citation, 457 U.S. 800)."
    ) in out

    assert rows_of_staff() == before  # nothing staff made is changed
    assert not Court.objects.exclude(slug="us").exists()
    assert CourtCase.objects.filter(court=added_by_staff).count() == 30  # filed under theirs
    assert not CourtCase.objects.filter(slug="harlow-v-fitzgerald").exists()
    assert not GlossaryTerm.objects.filter(slug="qualified-immunity").exists()
    assert GlossaryTerm.objects.count() == 17
    assert Topic.objects.published().count() == 6
    # The shipped texts link the term staff defined.
    assert 'href="/glossary/#qi"' in Topic.objects.get(slug="what-is-qualified-immunity").body_html

    stored = rows_of_staff(), counts(), ShippedItem.objects.count()
    again, err = run()
    assert "Shipped content already loaded; nothing changed." in again
    assert "already present" not in again  # reported once
    assert err == ""
    assert (rows_of_staff(), counts(), ShippedItem.objects.count()) == stored


def test_an_item_staff_found_present_and_deleted_is_not_created_later(added_by_staff):
    load()
    CourtCase.objects.get(slug="harlow").delete()
    load()
    assert not CourtCase.objects.filter(name="Harlow v. Fitzgerald").exists()


CASES = """
[[courts]]
slug = "a-court"
name = "A court"
short_name = "A"

[[cases]]
slug = "too-late"
name = "Too v. Late"
court = "a-court"
year = 3000
outcome = "granted"
holding = "Held."
citations = ["901 U.S. 1"]

[[cases]]
slug = "unreadable"
name = "Un v. Readable"
court = "a-court"
year = 2000
outcome = "granted"
holding = "Held."
citations = ["page one of the reports"]

[[cases]]
slug = "on-time"
name = "On v. Time"
court = "a-court"
year = 2000
outcome = "granted"
holding = "Held."
citations = ["902 U.S. 1"]
"""


def test_an_item_the_database_refuses_is_reported_in_words_and_the_rest_loads(tmp_path):
    file = tmp_path / "cases.toml"
    file.write_text(CASES)
    out, err = run(file=file)
    assert "Loaded the shipped content: 1 court, 1 court case." in out
    assert "Could not be loaded (2; tried again on the next run):" in err
    assert "- case “Too v. Late” (too-late): The year must be between 1789 and 2100." in err
    assert (
        "- case “Un v. Readable” (unreadable): Case unreadable: “page one of the reports” is "
        in err
    )
    assert list(CourtCase.objects.values_list("slug", flat=True)) == ["on-time"]
    assert not Citation.objects.filter(volume=901).exists()  # nothing of it is left behind

    out, err = run(file=file)
    assert "Loaded nothing new from the shipped content." in out
    assert "The year must be between 1789 and 2100." in err


# The fourteen cases the portal shipped before issue 17 added sixteen, their relations and what
# two of them started.
FIRST_FOURTEEN = {
    "pierson-v-ray", "imbler-v-pachtman", "harlow-v-fitzgerald", "malley-v-briggs",
    "anderson-v-creighton", "saucier-v-katz", "hope-v-pelzer", "pearson-v-callahan",
    "ashcroft-v-al-kidd", "mullenix-v-luna", "ziglar-v-abbasi", "district-of-columbia-v-wesby",
    "kisela-v-hughes", "taylor-v-riojas",
}  # fmt: skip


def content_before_issue_17(tmp_path):
    """The shipped content file as the previous release had it: the same file without what
    issue 17 added."""
    text = CONTENT_FILE.read_text(encoding="utf-8")
    head, *blocks = text.split("\n[[")
    kept = []
    for block in blocks:
        if block.startswith("relations]]"):
            continue
        if block.startswith("cases]]"):
            slug = re.search(r'^slug = "([^"]+)"', block, re.M).group(1)
            if slug not in FIRST_FOURTEEN:
                continue
        kept.append(re.sub(r"^(milestone\w*|shows_timeline) = .*\n", "", block, flags=re.M))
    old = tmp_path / "portal-before.toml"
    old.write_text("\n[[".join([head, *kept]), encoding="utf-8")
    return old


def test_an_installation_of_the_previous_release_gets_the_new_cases_and_keeps_its_edits(
    tmp_path,
):
    load(file=content_before_issue_17(tmp_path))
    assert CourtCase.objects.count() == 14 and not CaseRelation.objects.exists()
    # What editors did meanwhile: changed a holding, deleted a case, wrote what one started.
    CourtCase.objects.filter(slug="pearson-v-callahan").update(holding="An editor's words.")
    CourtCase.objects.get(slug="mullenix-v-luna").delete()
    saucier = CourtCase.objects.get(slug="saucier-v-katz")
    saucier.milestone = "Two questions, in order"
    saucier.save()
    # The stored HTML as the previous release's text pipeline made it.
    TextRendering.objects.update_or_create(pk=1, defaults={"pipeline": 1})
    Topic.objects.filter(slug="what-is-qualified-immunity").update(
        body_html='<p>Old.</p><details class="term-definition"><summary>Key term: x</summary>'
    )

    out, err = run()

    assert CourtCase.objects.count() == 29  # the sixteen new; Mullenix stays deleted
    assert not CourtCase.objects.filter(slug="mullenix-v-luna").exists()
    assert CourtCase.objects.get(slug="pearson-v-callahan").holding == "An editor's words."
    # Relations to the deleted case cannot be made, and say why; the others are.
    assert CaseRelation.objects.count() == 22
    assert "its case mullenix-v-luna is not in the database (deleted by staff?)" in err
    assert CaseRelation.objects.filter(
        from_case__slug="pearson-v-callahan", to_case__slug="saucier-v-katz"
    ).exists()
    # What a case started: added where there was nothing, an editor's own kept and reported.
    assert CourtCase.objects.get(slug="pierson-v-ray").milestone == "The good-faith defense"
    assert CourtCase.objects.get(slug="saucier-v-katz").milestone == "Two questions, in order"
    assert "staff wrote “Two questions, in order”; left as it is." in out
    # The texts are rendered again by this release's pipeline: key terms open in place.
    body = Topic.objects.get(slug="what-is-qualified-immunity").body_html
    assert "<details" not in body and 'class="glossary-term"' in body
    # And a second run changes nothing.
    before = (CourtCase.objects.count(), CaseRelation.objects.count())
    assert "Loaded nothing new" in run()[0]
    assert (CourtCase.objects.count(), CaseRelation.objects.count()) == before
