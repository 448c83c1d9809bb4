"""The page classifier: learns which of close pages a text is about, deterministically."""

import numpy as np
import pytest
import scipy.sparse as sp

from kb.retrieval import verdict
from kb.retrieval.fields import item_fields
from kb.retrieval.match import Matcher
from kb.retrieval.rerank import PageClassifier, page_texts

#: The labelled import sets whose rewordings are measured here.
SETS = ("import_set", "import_holdout", "import_holdout2")


@pytest.fixture(scope="module")
def matcher(project) -> Matcher:
    return Matcher.for_project(project)


def rows(*terms_per_text: dict[int, float], width: int = 6) -> sp.csr_matrix:
    data, cols, ptr = [], [], [0]
    for terms in terms_per_text:
        cols += list(terms)
        data += list(terms.values())
        ptr.append(len(cols))
    return sp.csr_matrix((data, cols, ptr), shape=(len(terms_per_text), width))


def toy() -> PageClassifier:
    # Three pages; term 0 is shared by all (a broad word), terms 1, 2, 3 each name one page.
    x = rows({0: 0.6, 1: 0.8}, {1: 1.0}, {0: 0.6, 2: 0.8}, {2: 1.0}, {0: 0.6, 3: 0.8}, {3: 1.0})
    pages = np.array([0, 0, 1, 1, 2, 2])
    candidates = np.array([[0, 1, 2]] * 6)
    return PageClassifier(x, pages, candidates, 3)


def test_the_classifier_picks_the_page_a_distinctive_term_names_over_a_shared_one():
    p = toy().probabilities(rows({0: 0.5, 2: 0.5}), np.array([[0, 1, 2]]))
    assert p.shape == (1, 3) and np.isclose(p.sum(), 1.0)
    assert p[0].argmax() == 1 and p[0, 1] > 2 * max(p[0, 0], p[0, 2])


def test_the_classifier_is_even_handed_on_terms_it_never_learned_and_on_an_empty_text():
    p = toy().probabilities(rows({4: 1.0}, {}), np.array([[0, 1, 2], [2, 1, 0]]))
    assert np.allclose(p, 1 / 3, atol=0.05)


def test_the_classifier_only_ranks_the_candidates_it_is_given():
    p = toy().probabilities(rows({3: 1.0}), np.array([[0, 1]]))  # page 2 is not offered
    assert p.shape == (1, 2) and np.isclose(p.sum(), 1.0)


def test_two_fits_on_the_same_texts_are_identical():
    a, b = toy(), toy()
    assert np.array_equal(a.theta, b.theta) and np.array_equal(a.bias, b.bias)


def test_a_page_trains_on_its_title_each_alias_its_answer_and_headings_not_its_prose():
    fields = {"title": "T", "abstract": "A", "headings": "H1 H2", "body": "正文段落不是训练文本，它会提到相邻的话题。"}
    assert page_texts(fields, ["别名一", "别名二"]) == ["T", "别名一", "别名二", "A", "H1 H2"]


def test_the_classifier_puts_more_rewordings_first_on_their_own_page(project, matcher, monkeypatch):
    # Broad pages (evaluation in general, NLP applications) win some rewordings on shared words alone.
    queries, want = [], []
    for found in project.labelled:
        if found.name in SETS:
            for item, label in found.labelled_items():
                if label.kind == "rewording":
                    queries.append(item_fields(item))
                    want.append(label.page)
    s = matcher.index.score_matrices(queries)

    def right(weights: dict[str, float]) -> int:
        monkeypatch.setattr(verdict, "BLEND", weights)
        return sum(matcher.index.pages[p] == w for p, w in zip(verdict.blend(s).argmax(axis=1), want))

    with_classifier = right(dict(verdict.BLEND))
    without = right({k: v for k, v in verdict.BLEND.items() if k != "classifier"})
    assert with_classifier > without
