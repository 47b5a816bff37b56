"""Citations found by eyecite, matched on volume, reporter and page, and linked."""

import pytest

from cases.citations import CitationKey, Target, link_citations, parse_citation

PEARSON = CitationKey(555, "U.S.", 223)
ZIGLAR = CitationKey(137, "S. Ct.", 1843)
MULLENIX = CitationKey(136, "S. Ct.", 305)
INDEX = {
    PEARSON: Target("/cases/pearson/", 1),
    CitationKey(129, "S. Ct.", 808): Target("/cases/pearson/", 1),
    ZIGLAR: Target("/cases/ziglar/", 2),
    MULLENIX: Target("/cases/mullenix/", 3),
}


def lookup(keys):
    return {key: INDEX[key] for key in keys if key in INDEX}


def link(html):
    return link_citations(html, lookup)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("555 U.S. 223", PEARSON),
        ("555 US 223", PEARSON),
        ("555 U. S. 223", PEARSON),
        ("  555   U.S.  223 ", PEARSON),
        ("137 S.Ct. 1843", ZIGLAR),
        ("77 F. 3d 12", CitationKey(77, "F.3d", 12)),
    ],
)
def test_editors_citations_are_read_in_any_usual_spelling(typed, key):
    assert parse_citation(typed) == key


@pytest.mark.parametrize(
    "typed", ["", "555 US 22x", "555 U.S.", "U.S. 223", "555 U.S. ___", "555 U.S. 223 (2009)",
              "see 555 U.S. 223", "555 U.S. 223; 129 S. Ct. 808", "hello"],
)  # fmt: skip
def test_anything_else_is_refused_with_an_example(typed):
    with pytest.raises(ValueError, match=r"for example 555 U\.S\. 223"):
        parse_citation(typed)


def test_a_known_citation_becomes_a_link_on_its_core():
    linked = link("<p>Pearson v. Callahan, 555 U.S. 223 (2009)</p>")
    assert linked.html == (
        '<p>Pearson v. Callahan, <a href="/cases/pearson/" class="citation">555 U.S. 223</a>'
        " (2009)</p>"
    )
    assert linked.mentions == [PEARSON]
    assert linked.unmatched == []


def test_parallel_citations_both_link_to_their_case():
    html = link("<p>Pearson v. Callahan, 555 U.S. 223, 129 S. Ct. 808 (2009)</p>").html
    assert html.count('href="/cases/pearson/"') == 2


def test_the_seeds_consecutive_sentences_link_each_to_its_own_case():
    """eyecite's issue #321 shape: the second citation gets the first's party names."""
    html = link(
        "<ul><li>Qualified immunity is necessary. Pearson v. Callahan, 555 U.S. 223 (2009)</li>"
        "<li>The rule seeks a balance. Ziglar v. Abbasi, 137 S. Ct. 1843 (2017)</li>"
        "<li>Eliminating it would hurt. Mullenix v. Luna, 136 S. Ct. 305 (2015).</li></ul>"
    ).html
    assert '<a href="/cases/pearson/" class="citation">555 U.S. 223</a>' in html
    assert '<a href="/cases/ziglar/" class="citation">137 S. Ct. 1843</a>' in html
    assert '<a href="/cases/mullenix/" class="citation">136 S. Ct. 305</a>' in html


def test_short_forms_and_id_link_to_the_case_they_refer_to():
    html = link(
        "<p>See Pearson v. Callahan, 555 U.S. 223 (2009). The Court explained this. "
        "555 U.S. at 236. It added more. Id. at 240.</p>"
    ).html
    assert '<a href="/cases/pearson/" class="citation">555 U.S. at 236</a>' in html
    assert '<a href="/cases/pearson/" class="citation">Id. at 240</a>' in html


def test_a_short_form_without_its_full_citation_is_left_alone():
    linked = link("<p>As held, 555 U.S. at 236.</p>")
    assert "<a" not in linked.html


def test_a_short_form_is_matched_on_its_pin_page_not_on_names():
    """Two cases in one volume: the pin page decides, whatever names eyecite guesses."""
    index = {
        CitationKey(500, "U.S.", 100): Target("/cases/first/", 1),
        CitationKey(500, "U.S.", 300): Target("/cases/second/", 2),
    }
    linked = link_citations(
        "<p>First v. One, 500 U.S. 100 (1990). Second v. Two, 500 U.S. 300 (1991). "
        "First, 500 U.S. at 310.</p>",
        lambda keys: {key: index[key] for key in keys if key in index},
    )
    assert '<a href="/cases/second/" class="citation">500 U.S. at 310</a>' in linked.html


def test_a_short_form_refers_only_to_a_case_cited_before_it():
    index = {CitationKey(500, "U.S.", 300): Target("/cases/second/", 2)}
    linked = link_citations(
        "<p>As held, 500 U.S. at 310. Second v. Two, 500 U.S. 300 (1991).</p>",
        lambda keys: {key: index[key] for key in keys if key in index},
    )
    assert linked.html.count("<a ") == 1
    assert "500 U.S. at 310</a>" not in linked.html


def test_a_short_form_whose_pin_page_comes_before_every_earlier_case_is_left_alone():
    linked = link("<p>Pearson v. Callahan, 555 U.S. 223 (2009). Later, 555 U.S. at 200.</p>")
    assert linked.html.count("<a ") == 1
    assert "555 U.S. at 200</a>" not in linked.html


def test_every_citation_of_a_long_text_is_linked():
    unit = "See Pearson v. Callahan, 555 U.S. 223 (2009); 555 U.S. at 236. Id. at 240. "
    linked = link(f"<p>{unit * 300}</p><p>{unit * 300}</p>")
    for cited in ("555 U.S. 223", "555 U.S. at 236", "Id. at 240"):
        assert linked.html.count(f'<a href="/cases/pearson/" class="citation">{cited}</a>') == 600
    assert linked.mentions == [PEARSON]


def test_citations_not_in_the_index_are_reported_and_not_linked():
    linked = link("<p>Somebody v. Else, 999 U.S. 1 (2030); Pearson, 555 U.S. 223.</p>")
    assert linked.unmatched == [CitationKey(999, "U.S.", 1)]
    assert linked.mentions == [PEARSON, CitationKey(999, "U.S.", 1)]
    assert linked.html.count("<a ") == 1


def test_a_case_that_is_not_public_gets_no_link_but_is_not_unmatched():
    linked = link_citations(
        "<p>555 U.S. 223</p>", lambda keys: {PEARSON: Target(url=None, case_id=1)}
    )
    assert "<a" not in linked.html
    assert linked.unmatched == []


@pytest.mark.parametrize(
    "html",
    [
        '<p><a href="https://example.org">555 U.S. 223</a></p>',
        "<p><code>555 U.S. 223</code></p>",
        "<pre><code>555 U.S. 223</code></pre>",
    ],
)
def test_text_inside_links_and_code_is_never_linked(html):
    assert link(html).html == html


def test_citations_in_emphasis_headings_lists_and_tables_are_linked():
    html = link(
        "<h3>On 555 U.S. 223</h3><p><em>Pearson</em>, 555 U.S. 223.</p>"
        "<table><tbody><tr><td>137 S. Ct. 1843</td></tr></tbody></table>"
    ).html
    assert html.count('class="citation"') == 3


def test_a_citation_never_runs_across_two_paragraphs():
    assert "<a" not in link("<p>Volume 555</p><p>U.S. 223 is a page</p>").html


def test_markup_around_the_citations_is_kept():
    source = '<p>A <strong>bold</strong> claim, 555 U.S. 223, and <a href="/x/">a link</a>.</p>'
    html = link(source).html
    assert "<strong>bold</strong>" in html
    assert '<a href="/x/">a link</a>' in html


def test_text_without_citations_is_returned_untouched():
    source = "<p>No citations here &amp; an ampersand, 2009.</p>"
    assert link(source).html == source
