"""Each question type carries its templates and its statistics; the registry refuses less."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from course.content import QUESTION_TYPES, Judgement, Question, load_catalog
from course.content.open_questions import MAX_SHORT_ANSWER
from course.content.questions import registry
from tests.content.conftest import FIXTURE_COURSE

TEMPLATES = Path(__file__).resolve().parents[2] / "course" / "templates"
QUIZ_MACROS = '{% from "learn/_quiz.html" import question_input, feedback %}'


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(FIXTURE_COURSE)


@pytest.fixture(scope="module")
def env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                       undefined=StrictUndefined)


def render(env: Environment, source: str, **values) -> str:
    return env.from_string(QUIZ_MACROS + source).render(**values)


@pytest.mark.parametrize("cls", QUESTION_TYPES.values(), ids=list(QUESTION_TYPES))
def test_every_type_names_templates_that_define_its_macros(env, cls):
    asked = env.get_template(cls.input_template).module
    shown = env.get_template(cls.feedback_template).module
    assert callable(asked.input) and callable(shown.feedback)


def test_the_registry_refuses_a_type_without_its_template_or_statistics():
    @dataclasses.dataclass(frozen=True)
    class Essay(Question):
        type_name = "essay"

        def grade(self, response):
            raise NotImplementedError

    with pytest.raises(TypeError, match=r"Essay must define input_template, from_definition, "
                                        r"option_texts, wrong_choices$"):
        registry(Essay)


def test_a_type_that_cannot_count_its_answers_fails_loudly():
    bare = Question("q", "<p>?</p>", "")
    with pytest.raises(NotImplementedError):
        bare.option_texts()


def test_the_short_answer_input_takes_the_graders_limit(env, catalog):
    short = catalog.quiz("where-am-i").question("method")
    assert short.max_length == MAX_SHORT_ANSWER
    html = render(env, "{{ question_input(q, {}, none) }}", q=short)
    assert f'maxlength="{MAX_SHORT_ANSWER}"' in html
    assert 'type="text" id="q-method" name="q-method"' in html


def test_inputs_keep_their_ids_names_labels_and_chosen_values(env, catalog):
    quiz = catalog.quiz("where-am-i")
    values = {"first-move": ["1"], "probes": ["0", "2"], "recipe": ["false"],
              "method": ["listen"], "confidence": ["3"]}
    html = render(env, "{% for q in qs %}{{ question_input(q, values, errors.get(q.id)) }}"
                  "{% endfor %}", qs=quiz.questions, values=values,
                  errors={"recipe": "Choose true or false."})
    checked = re.findall(r'<input type="(\w+)" id="([\w-]+)"[^>]* checked>', html)
    assert checked == [("radio", "q-first-move-1"), ("checkbox", "q-probes-0"),
                       ("checkbox", "q-probes-2"), ("radio", "q-recipe-false"),
                       ("radio", "q-confidence-3")]
    assert html.count("<p class=\"help\">Choose all that apply.</p>") == 1
    assert '<label for="q-confidence-5">5: Always, and I teach others.</label>' in html
    assert 'value="listen"' in html
    assert ('<fieldset class="question field-error" id="question-recipe" '
            'aria-describedby="q-recipe-error">') in html


def test_feedback_goes_through_the_types_template(env, catalog):
    single = catalog.quiz("where-am-i").question("first-move")
    html = render(env, "{{ feedback(q, result) }}", q=single,
                  result={"grade": single.grade(["0"]), "answer": ""})
    assert '<p class="verdict verdict-wrong">Not quite.</p>' in html
    assert html.count('<span class="tag">Your answer</span>') == 1
    assert html.count("Right answer</span>") == 1
    assert "fixes the wrong thing" in html


@pytest.mark.parametrize(("quiz", "question", "response", "judged"), [
    ("where-am-i", "first-move", ["0"], Judgement(False, ("Write a policy first.",))),
    ("where-am-i", "first-move", ["1"], Judgement(True, ())),
    ("where-am-i", "probes", ["1", "0"], Judgement(False, ("A year-long campaign",))),
    ("where-am-i", "probes", ["0", "2"], Judgement(True, ())),
    ("where-am-i", "recipe", ["true"], Judgement(False, ("True",))),
    ("where-am-i", "method", ["listen"], Judgement(True, ())),
    ("where-am-i", "method", ["hearing"], Judgement(False, ())),
    ("what-it-is-for", "weighted", ["1"], Judgement(False, ("A partial answer",))),
    ("where-am-i", "first-move", ["7"], None),
    ("where-am-i", "recipe", [], None),
])
def test_judge_counts_a_stored_response(catalog, quiz, question, response, judged):
    assert catalog.quiz(quiz).question(question).judge(response) == judged


def test_option_texts_name_what_a_wrong_answer_is_counted_under(catalog):
    quiz = catalog.quiz("where-am-i")
    assert quiz.question("first-move").option_texts() == (
        "Write a policy first.", "Spend a week listening.", "Hire an agency.")
    assert quiz.question("recipe").option_texts() == ("True", "False")
    # Typed answers are the leader's words: no texts, and the type says so.
    assert quiz.question("method").option_texts() == () and quiz.question("method").typed
    assert not quiz.question("first-move").typed
