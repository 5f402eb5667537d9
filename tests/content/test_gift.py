"""The GIFT importer's parser: each GIFT feature on a small inline example."""

from __future__ import annotations

import pytest
import yaml

from course.content.gift import Refusal, gift_to_quiz, parse_gift


def one(text: str) -> dict:
    """Parse GIFT that must give exactly one imported question, and return it."""
    result = parse_gift(text, "t.gift")
    assert result.refused == [] and len(result.questions) == 1, result.refused
    return result.questions[0]


def refusal(text: str) -> Refusal:
    """Parse GIFT that must give exactly one refusal, and return it."""
    result = parse_gift(text, "t.gift")
    assert result.questions == [] and len(result.refused) == 1, result.questions
    return result.refused[0]


def texts(question: dict) -> list[str]:
    return [option["text"] for option in question["options"]]


# Multiple choice, names and ids


def test_multiple_choice_is_single_with_the_equals_answer_correct():
    question = one("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert question == {
        "id": "q1",
        "type": "single",
        "prompt": "Who's buried in Grant's tomb?",
        "options": [
            {"text": "Grant", "correct": False, "feedback": ""},
            {"text": "Jefferson", "correct": False, "feedback": ""},
            {"text": "no one", "correct": True, "feedback": ""},
        ],
    }


def test_per_answer_feedback_follows_a_hash():
    question = one("Pick one {=right#Well done. ~wrong#Not quite.}")
    assert [o["feedback"] for o in question["options"]] == ["Well done.", "Not quite."]


def test_names_become_unique_slug_ids_and_unnamed_questions_are_numbered():
    result = parse_gift(
        "::Kanji Origins::Where from? {=China ~India}\n\n"
        "::Kanji origins!::Again? {=China ~India}\n\n"
        "No name {=a ~b}\n\n"
        "::Ünïcode Näme::Text {=a ~b}\n",
        "t.gift",
    )
    ids = [q["id"] for q in result.questions]
    assert ids == ["kanji-origins", "kanji-origins-2", "q3", "unicode-name"]
    assert result.questions[0]["prompt"] == "Where from?"


def test_a_name_may_hold_an_escaped_colon():
    assert one("::Time\\: noon::When? {=12 ~1}")["id"] == "time-noon"


def test_a_name_without_text_falls_back_to_a_number():
    assert one("::!!!::When? {=12 ~1}")["id"] == "q1"


# Comments, blank lines, categories, layout


def test_whole_line_comments_are_ignored_even_inside_an_answer_block():
    question = one("// a heading\nPick {\n  // which is right?\n  =a\n  ~b\n}\n// trailing")
    assert texts(question) == ["a", "b"]


def test_double_slash_inside_text_is_not_a_comment():
    question = one("Is https://example.org up?{T}")
    assert question["prompt"] == "Is https://example.org up?"


def test_blank_lines_separate_questions_and_lines_are_recorded():
    result = parse_gift("First {T}\n\n\n// note\nSecond\n{F}\n   \nThird {T}", "t.gift")
    assert [q["prompt"] for q in result.questions] == ["First", "Second", "Third"]
    assert result.lines == [1, 5, 8]


def test_questions_and_answers_may_span_several_lines():
    question = one(
        "The American holiday of Thanksgiving is\n"
        "celebrated on the {\n"
        "    ~second\n"
        "    ~third#close,\n"
        "        but no\n"
        "    =fourth\n"
        "} Thursday of November."
    )
    assert question["prompt"] == (
        "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    )
    assert texts(question) == ["second", "third", "fourth"]
    assert question["options"][1]["feedback"] == "close, but no"


def test_categories_are_recorded_not_imported_and_give_a_title():
    result = parse_gift(
        "$CATEGORY: $course$/Listening/Week 1\n\nQ {T}\n\n$CATEGORY: Other\nR {F}", "t.gift"
    )
    assert result.categories == ["$course$/Listening/Week 1", "Other"]
    assert [q["prompt"] for q in result.questions] == ["Q", "R"]
    assert result.lines == [3, 6]
    assert result.refused == []
    assert gift_to_quiz(result, "listening")["title"] == "Week 1"
    assert gift_to_quiz(result, "listening", "Given")["title"] == "Given"


def test_windows_line_endings_and_a_byte_order_mark_are_read():
    result = parse_gift("\ufeffA {T}\r\n\r\nB {=x ~y}\r\n", "t.gift")
    assert [q["prompt"] for q in result.questions] == ["A", "B"]
    assert texts(result.questions[1]) == ["x", "y"]


# Escapes


@pytest.mark.parametrize("char", ["~", "=", "#", "{", "}", ":"])
def test_each_escaped_control_character_is_literal_text(char):
    question = one(f"Say a\\{char}b {{=c\\{char}d#e\\{char}f ~g}}")
    assert question["prompt"] == f"Say a{char}b"
    assert question["options"][0]["text"] == f"c{char}d"
    assert question["options"][0]["feedback"] == f"e{char}f"


def test_escaped_backslash_is_one_backslash_and_does_not_escape_what_follows():
    # "\\~" is a literal backslash then a real "~" that starts the next answer.
    question = one("[markdown]Path {=C:\\\\temp\\\\~D:}")
    assert texts(question) == ["C:\\temp\\", "D:"]


def test_backslash_n_is_a_line_break():
    assert one("[markdown]One\\n\nTwo {T}")["prompt"] == "One\n\nTwo"
    assert one("One\\nTwo {T}")["prompt"] == "One\n\nTwo"


def test_other_backslashes_are_left_alone():
    assert one("[markdown]Solve \\(x^2\\) {T}")["prompt"] == "Solve \\(x^2\\)"


# Format markers


def test_html_is_kept_as_written():
    question = one("[html]Is <b>this</b> *bold*? {=[html]<i>yes</i> ~no#[html]<em>no</em>}")
    assert question["prompt"] == "Is <b>this</b> *bold*?"
    assert question["options"][0]["text"] == "<i>yes</i>"
    # Answers inherit the question's format, and a marker on feedback is honoured.
    assert question["options"][1] == {"text": "no", "correct": False, "feedback": "<em>no</em>"}


def test_markdown_is_kept_as_written_and_answers_inherit_it():
    question = one("[markdown]Who's buried in **Grant's tomb**?{=*no one* ~_Grant_}")
    assert question["prompt"] == "Who's buried in **Grant's tomb**?"
    assert texts(question) == ["*no one*", "_Grant_"]


def test_plain_text_is_escaped_for_markdown_and_html():
    question = one("[plain]Is <b>x</b> & *y* [z]? {T}")
    assert question["prompt"] == "Is &lt;b>x&lt;/b> &amp; \\*y\\* \\[z\\]?"


def test_moodle_format_keeps_html_but_escapes_markdown():
    question = one("[moodle]Is <b>x</b> *y* a_b? {=[plain]<i> ~\\#}")
    assert question["prompt"] == "Is <b>x</b> \\*y\\* a\\_b?"
    assert texts(question) == ["&lt;i>", "\\#"]


def test_unmarked_text_is_moodle_format():
    assert one("Is *this* 2 < 3? {T}")["prompt"] == "Is \\*this\\* 2 < 3?"


def test_escaping_plain_text_stops_line_start_markdown():
    question = one("[plain]Pick {=\\# one ~- two ~1. three ~> four}")
    assert texts(question) == ["\\# one", "\\- two", "1\\. three", "\\> four"]


# Weights


def test_weights_with_one_full_answer_give_single_with_only_that_answer_correct():
    question = one("Difficult question.{~wrong ~%50%half credit =full credit}")
    assert question["type"] == "single"
    assert question["options"] == [
        {"text": "wrong", "correct": False, "weight": 0, "feedback": ""},
        {"text": "half credit", "correct": False, "weight": 50, "feedback": ""},
        {"text": "full credit", "correct": True, "weight": 100, "feedback": ""},
    ]


def test_split_weights_give_multiple_keeping_negative_weights():
    question = one("Who? {~%-50%No one ~%50%Grant ~%50%Grant's wife ~%-100%[plain]His *dog*}")
    assert question["type"] == "multiple"
    assert [(o["weight"], o["correct"]) for o in question["options"]] == [
        (-50, False), (50, True), (50, True), (-100, False)]
    assert question["options"][3]["text"] == "His \\*dog\\*"


def test_fractional_weights_are_kept():
    question = one("Three? {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert question["options"][0]["weight"] == 33.33333


@pytest.mark.parametrize(("block", "reason"), [
    ("Both {~%50%a ~%25%b ~c}", "malformed question: the positive weights add up to 75%, not "
     "100%"),
    ("Only {~%100%a}", "malformed question: a choice question needs at least two answers"),
])
def test_weights_the_quiz_format_cannot_score_are_refused(block, reason):
    assert refusal(block).reason == reason


def test_a_weight_out_of_range_is_refused():
    assert "outside -100..100" in refusal("Q {~%150%a =b}").reason


def test_choices_without_a_right_answer_are_refused():
    assert "no answer is right" in refusal("Q {~a ~b}").reason


# True-false


@pytest.mark.parametrize(("block", "answer"), [
    ("T", True), ("TRUE", True), ("F", False), ("FALSE", False)])
def test_true_false_spellings(block, answer):
    question = one(f"The sun rises in the east.{{{block}}}")
    assert question == {
        "id": "q1",
        "type": "true-false",
        "prompt": "The sun rises in the east.",
        "answer": answer,
        "feedback_true": "",
        "feedback_false": "",
    }


def test_true_false_first_feedback_is_for_the_wrong_answer_second_for_the_right():
    false = one("42 is the answer.{FALSE#It is the Ultimate Answer.#You gave the right answer.}")
    assert false["feedback_true"] == "It is the Ultimate Answer."
    assert false["feedback_false"] == "You gave the right answer."
    true = one("The sun rises in the east.{T#It does, every day.#Right.}")
    assert true["feedback_false"] == "It does, every day."
    assert true["feedback_true"] == "Right."


def test_true_false_with_one_feedback_gives_it_to_the_wrong_answer():
    question = one("Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}")
    assert question["feedback_true"] == "No one is buried in Grant's tomb."
    assert question["feedback_false"] == ""


def test_true_false_with_three_feedbacks_is_refused():
    assert "at most two" in refusal("Q {T#a#b#c}").reason


# Short answer


def test_equals_answers_only_give_short_answer():
    question = one("Who's buried in Grant's tomb?{=no one =nobody}")
    assert question == {
        "id": "q1",
        "type": "short",
        "prompt": "Who's buried in Grant's tomb?",
        "accept": ["no one", "nobody"],
        "feedback_correct": "",
        "feedback_incorrect": "",
    }


def test_one_equals_answer_is_short_answer_with_its_feedback():
    question = one("::Kanji::From where? {=China#Yes, China.}")
    assert question["type"] == "short"
    assert question["accept"] == ["China"]
    assert question["feedback_correct"] == "Yes, China."


def test_short_answers_with_different_feedback_keep_each_labelled():
    question = one("Name one {=cat#Purrs. =dog#Barks. =kitten#Purrs.}")
    assert question["feedback_correct"] == "cat / kitten: Purrs.\n\ndog: Barks."


def test_short_answer_zero_weight_wildcard_is_the_incorrect_feedback():
    question = one("Best animal? {=Frog#Good! =%100%Toad =%0%*#Completely wrong}")
    assert question["accept"] == ["Frog", "Toad"]
    assert question["feedback_incorrect"] == "Completely wrong"


def test_short_answer_literal_star_is_accepted():
    assert one("Symbol? {=\\*}")["accept"] == ["*"]


def test_short_answer_with_partial_credit_keeps_the_weight():
    question = one("Where? {=Nazareth =%75%Nazereth}")
    assert question["accept"] == ["Nazareth", {"text": "Nazereth", "weight": 75}]


def test_short_answer_with_a_wildcard_is_refused():
    assert "wildcard" in refusal("Colour? {=colo*r}").reason


# Missing word and general feedback


def test_missing_word_replaces_the_answer_block_with_a_blank():
    question = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert question["prompt"] == "Grant is _____ in Grant's tomb."
    assert question["type"] == "single"


def test_missing_word_before_punctuation_and_at_the_start():
    assert one("Two plus two equals {=four =4}.")["prompt"] == "Two plus two equals _____."
    assert one("{=Paris ~Rome} is the capital of France.")["prompt"] == (
        "_____ is the capital of France.")


def test_general_feedback_becomes_the_explanation():
    question = one("Q {\nFALSE#Wrong.#Right.\n####A *Hitchhiker's Guide* reference.}")
    assert question["feedback_true"] == "Wrong."
    assert question["explanation"] == "A \\*Hitchhiker's Guide\\* reference."
    assert "explanation" not in one("Q {T}")


# Refusals: unsupported types and malformed questions, each at its line


@pytest.mark.parametrize(("block", "reason"), [
    ("When was Grant born? {#1822:5}",
     "numerical questions are not supported: the quiz format has no numerical type"),
    ("Range {#1..5 ####general}",
     "numerical questions are not supported: the quiz format has no numerical type"),
    ("How are you? {}", "essay questions are not supported: the quiz format has no essay type"),
    ("How are you? {####Hope you are well.}",
     "essay questions are not supported: the quiz format has no essay type"),
    ("Just some text\nabout what follows.",
     "description questions are not supported: the quiz format has no description type "
     "(this text has no answer block {...})"),
])
def test_unsupported_types_are_refused_with_their_line(block, reason):
    result = parse_gift(f"// intro\n\nKept {{T}}\n\n// why\n{block}\n\nAfter {{F}}", "t.gift")
    assert [q["prompt"] for q in result.questions] == ["Kept", "After"]
    assert result.refused == [Refusal("t.gift", 6, reason)]
    assert str(result.refused[0]) == f"t.gift:6: {reason}"


@pytest.mark.parametrize(("block", "reason"), [
    ("Q {=a ~b", "malformed question: '{' on line 3 is never closed with '}'"),
    ("Q\n{=a ~b\n~c", "malformed question: '{' on line 4 is never closed with '}'"),
    ("Q {=a\nR {=b}", "malformed question: '{' on line 3 is not closed before the next '{' on "
                     "line 4"),
    ("Q =a} ~b", "malformed question: '}' on line 3 has no '{' before it"),
    ("Q {=a} R {=b}", "malformed question: more than one answer block"),
    ("::Name Q {=a}", "malformed question: the name after '::' is not closed with '::'"),
    ("Q {=a -> 1 =b}", "malformed question: the matching answer 'b' has no '->'"),
    ("{=a ~b}", "malformed question: there is no question text"),
    ("Q {=a ~#only feedback}", "malformed question: an answer has no text"),
])
def test_malformed_questions_are_refused_with_their_line(block, reason):
    result = parse_gift(f"Kept {{T}}\n\n{block}", "t.gift")
    assert len(result.questions) == 1 and len(result.refused) == 1
    assert result.refused[0].line == 3
    assert result.refused[0].reason.startswith(reason)


def test_an_unclosed_brace_does_not_swallow_the_next_question():
    result = parse_gift("Q {=a ~b\n\nNext {T}", "t.gift")
    assert [q["prompt"] for q in result.questions] == ["Next"]
    assert [r.line for r in result.refused] == [1]


# Feedback count, quiz mapping, YAML


def test_missing_feedback_is_written_empty_and_counted():
    result = parse_gift("A {=x#good ~y}\n\nB {T#wrong}\n\nC {=z}", "t.gift")
    assert result.questions[0]["options"][1]["feedback"] == ""
    # One option, one true-false side and both short-answer feedbacks are empty.
    assert result.missing_feedback == 4


def test_gift_to_quiz_gives_the_quiz_mapping_and_round_trips_through_yaml():
    result = parse_gift("::Same::A {=x ~y}\n\n::Other::B {T}\n\nC\\: {=\"quoted\" ~'it's'}", "t")
    quiz = gift_to_quiz(result, "my-quiz", "My quiz")
    assert list(quiz) == ["id", "title", "questions"]
    assert quiz["id"] == "my-quiz" and quiz["title"] == "My quiz"
    dumped = yaml.safe_dump(quiz, sort_keys=False, allow_unicode=True, width=100)
    assert "&id" not in dumped  # no anchors or aliases in authored files
    assert yaml.safe_load(dumped) == quiz
    quiz["questions"][0]["prompt"] = "changed"
    assert result.questions[0]["prompt"] == "A"


def test_gift_to_quiz_title_falls_back_to_the_id():
    assert gift_to_quiz(parse_gift("A {T}", "t"), "first-steps")["title"] == "First steps"


def test_html_is_kept_for_the_loader_to_sanitise():
    """Test of intent: the importer writes [html] text unchanged, script and all.

    Sanitising is the content loader's job: every prompt goes through Markdown and the nh3
    allow-list when it is rendered, which the loader's own tests cover. Sanitising here as
    well would hide from the author what they wrote, so the YAML must hold it verbatim.
    """
    html = "<script>alert(1)</script><img src=x onerror=alert(1)>"
    quiz = gift_to_quiz(parse_gift(f"[html]{html} Safe? {{F}}", "t"), "xss")
    loaded = yaml.safe_load(yaml.safe_dump(quiz, sort_keys=False, allow_unicode=True))
    assert loaded["questions"][0]["prompt"] == f"{html} Safe?"
