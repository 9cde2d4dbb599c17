"""Moodle's own GIFT test vectors import here with Moodle's results.

Sources (Moodle 4.x, moodle/moodle):
* question/format/gift/tests/giftformat_test.php — every import test (test_import_*, and each case of
  extract_idnumber_and_tags_from_comment_testcases): each input below is the test's GIFT, and the expected question
  is the test's expected object in the terms of our JSON (docs/gift.md); and every export test (test_export_*): the
  GIFT Moodle is expected to write imports here as the question it was written from;
* question/format/gift/tests/fixtures/questions.gift.txt and questions_in_category.gift.txt — the fixtures of
  Moodle's import tests (its behat test imports 9 questions from the first);
* question/format/gift/examples.txt — the example file Moodle's documentation gives teachers;
* docs.moodle.org «GIFT format» — the quick examples at the top of the page.
The files are in tests/quizzes/moodle_samples/, each with a header naming its source. Every expected value was
written from what Moodle's qformat_gift does with the input (readquestions → readquestion → importprocess)."""
from __future__ import annotations

from pathlib import Path

import pytest

from training.quizzes.gift import GiftQuestion, export_gift, idnumber_and_tags, parse_gift

SAMPLES = Path(__file__).parent / "moodle_samples"


def one(source: str) -> GiftQuestion:
    (question,) = parse_gift(source).questions
    return question


def answers(question: GiftQuestion) -> list[tuple]:
    return [(a.text, a.fraction, a.feedback) for a in question.answers]


def numbers(question: GiftQuestion) -> list[tuple]:
    return [(n.value, n.tolerance, n.fraction, n.feedback) for n in question.numerical]


def pairs(question: GiftQuestion) -> list[tuple]:
    return [(p.question, p.answer) for p in question.pairs]


# --- giftformat_test.php -----------------------------------------------------------------------------------------

def test_import_essay():
    question = one("\n// essay\n::Q8:: How are you? {}")
    assert question.to_dict() == {"type": "essay", "name": "Q8", "text": "How are you?", "format": "moodle",
                                  "category": None, "general_feedback": ""}


MATCH = """
// question: 2  name: Moodle activities
::Moodle activities::[html]Match the <b>activity</b> to the description.{
    =[html]An activity supporting asynchronous discussions. -> Forum
    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice
    =[plain]A bank of record entries which participants can add to. -> Database
    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki
    = -> Chat
}"""


def test_import_match():
    result = parse_gift(MATCH)
    (question,) = result.questions
    assert (question.type, question.name, question.text, question.format, question.general_feedback) == (
        "matching", "Moodle activities", "Match the <b>activity</b> to the description.", "html", "")
    assert pairs(question) == [
        ("An activity supporting asynchronous discussions.", "Forum"),
        ("A teacher asks a question and specifies a choice of multiple responses.", "Choice"),
        ("A bank of record entries which participants can add to.", "Database"),
        ("A collection of web pages that anyone can add to or edit.", "Wiki"),
        ("", "Chat"),
    ]
    # Moodle keeps a format per subquestion (moodle, plain, markdown here); ours is one per question, and says so.
    assert [w.line for w in result.warnings] == [5, 6, 7]


MULTICHOICE = """
// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{
    =yellow # right; good!
    ~red # [html]wrong, it's yellow
    ~[plain]blue # wrong, it's yellow
}"""


def test_import_multichoice():
    result = parse_gift(MULTICHOICE)
    (question,) = result.questions
    assert (question.type, question.name, question.text, question.format, question.single) == (
        "multichoice", "Q2", "What's between orange and green in the spectrum?", "moodle", True)
    assert answers(question) == [("yellow", 1.0, "right; good!"), ("red", 0.0, "wrong, it's yellow"),
                                 ("blue", 0.0, "wrong, it's yellow")]
    assert [w.code for w in result.warnings] == ["format-dropped", "format-dropped"]  # [html] feedback, [plain] answer


def test_import_multichoice_multi():
    question = one("""
// multiple choice, multiple response with specified feedback for right and wrong answers
::colours:: What's between orange and green in the spectrum?
{
    ~%50%yellow # right; good!
    ~%-100%red # [html]wrong
    ~%50%off-beige # right; good!
    ~%-100%[plain]blue # wrong
}""")
    assert (question.name, question.single) == ("colours", False)
    assert answers(question) == [("yellow", 0.5, "right; good!"), ("red", -1.0, "wrong"),
                                 ("off-beige", 0.5, "right; good!"), ("blue", -1.0, "wrong")]



def test_import_multichoice_multi_tricky():
    # No "=" in the block: multiple answers, even with one answer at 100 % (Moodle's single = 0).
    result = parse_gift("""
// multiple choice, multiple response with specified feedback for right and wrong answers
::colours:: What's between orange and green in the spectrum?
{
    ~%100%yellow # right; good!
    ~%-50%red # wrong
    ~%-50%blue # wrong
}""")
    (question,) = result.questions
    assert (question.type, question.name, question.format, question.single) == (
        "multichoice", "colours", "moodle", False)
    assert answers(question) == [("yellow", 1.0, "right; good!"), ("red", -0.5, "wrong"), ("blue", -0.5, "wrong")]
    assert result.warnings == []

def test_import_numerical():
    question = one("\n// math range question\n::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}")
    assert (question.type, question.name, question.text) == ("numerical", "Q5", "What is a number from 1 to 5?")
    # Moodle: answers '3' and '*', tolerances 2 and 0, fractions 1 and 0.
    assert numbers(question) == [(3.0, 2.0, 1.0, ""), (None, 0.0, 0.0, "Completely wrong")]


def test_import_shortanswer():
    question = one("""
// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
    =Frog#Good!
    =%50%Cat#What is it with Moodlers and cats?
    =%0%*#Completely wrong
}""")
    assert (question.type, question.name, question.text) == ("shortanswer", "Shortanswer", "Which is the best animal?")
    assert answers(question) == [("Frog", 1.0, "Good!"), ("Cat", 0.5, "What is it with Moodlers and cats?"),
                                 ("*", 0.0, "Completely wrong")]


def test_import_shortanswer_with_general_feedback():
    result = parse_gift("""
// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
    =Frog#Good!
    =%50%Cat#What is it with Moodlers and cats?
    =%0%*#Completely wrong
    ####[html]Here is some general feedback!
}""")
    (question,) = result.questions
    assert question.general_feedback == "Here is some general feedback!"
    assert answers(question)[1] == ("Cat", 0.5, "What is it with Moodlers and cats?")
    # Moodle keeps the general feedback's own format (html); ours is the question's (moodle), with a warning.
    assert [w.code for w in result.warnings] == ["format-dropped"]


def test_import_truefalse():
    question = one("""
// true/false
::Q1:: 42 is the Absolute Answer to everything.{
FALSE#42 is the Ultimate Answer.#You gave the right answer.}""")
    assert (question.type, question.name, question.text) == (
        "truefalse", "Q1", "42 is the Absolute Answer to everything.")
    # Moodle: correctanswer 0, feedbacktrue "42 is the Ultimate Answer.", feedbackfalse "You gave the right answer."
    assert answers(question) == [("true", 0.0, "42 is the Ultimate Answer."),
                                 ("false", 1.0, "You gave the right answer.")]


@pytest.mark.parametrize("word", ["T", "TRUE"])
def test_import_truefalse_true_answer(word):
    question = one(f"// name 0-11\n::2-08 TSL::TSL is blablabla.{{{word}}}")
    assert (question.name, question.text) == ("2-08 TSL", "TSL is blablabla.")
    assert answers(question) == [("true", 1.0, ""), ("false", 0.0, "")]


def test_import_backslash():
    # MDL-34171: "\\\\" in a file is one backslash. (The PHP test writes each backslash twice in its source.)
    question = one("\n// essay\n::double backslash:: A \\\\ B \\\\\\\\ C{}")
    assert (question.name, question.text, question.type) == ("double backslash", "A \\ B \\\\ C", "essay")


def test_import_pre_content():
    # Moodle's test calls readquestion() directly with the lines as written; importing a file, Moodle's
    # readquestions() first trims every line, so the teacher gets the code without its indentation.
    question = one("""
::Q001::[html]<p>What would running the test method print?</p>
<pre>
    public void test() \\{
        method1();
        method2();
        method3();
    \\}
</pre>
{}""")
    assert (question.name, question.format, question.type) == ("Q001", "html", "essay")
    assert question.text == ("<p>What would running the test method print?</p>\n<pre>\npublic void test() {\n"
                             "method1();\nmethod2();\nmethod3();\n}\n</pre>")



def test_import_question_with_tags():
    question = one("""
// This question is to test importing tags: [tag:tag] [tag:other-tag].
// And an idnumber: [id:myid].
::Question name:: How are you? {}""")
    assert question.to_dict() == {"type": "essay", "name": "Question name", "text": "How are you?", "format": "moodle",
                                  "category": None, "general_feedback": "", "idnumber": "myid",
                                  "tags": ["tag", "other-tag"]}


# extract_idnumber_and_tags_from_comment_testcases(), case by case: (name, id number, tags, comment)
MOODLE_COMMENT_CASES = [
    ("blank comment", "", [], ""),
    ("nothing in comment", "", [], "// A basic comment."),
    ("idnumber only", "frog", [], "// A comment with [id:frog] <-- an idnumber."),
    ("tags only", "", ["frog", "toad"], "// Look tags: [tag:frog] [tag:toad]."),
    ("everything", "four", ["add", "basic"], "// [tag:add] [tag:basic] [id:four]"),
    ("everything mixed up", "four", ["basic", "add"],
     "// [tag:  basic] Here is  \n// a [id:   four   ] que[tag:add   ]stion."),
    ("split over line", "", [], "// Ceci n\\'est pas une [tag:\n\\ frog]."),
    ("escape ] idnumber", "i]d", [], "// [id:i\\]d]."),
    ("escape ] tag", "", ["t]ag"], "// [tag:t\\]ag]."),
]


@pytest.mark.parametrize("name, idnumber, tags, comment", MOODLE_COMMENT_CASES, ids=[c[0] for c in MOODLE_COMMENT_CASES])
def test_extract_idnumber_and_tags_from_comment(name, idnumber, tags, comment):
    assert idnumber_and_tags(comment) == (idnumber, tags)
    # and the same comment lines above a question give it that id number and those tags
    if comment and all(line.startswith("//") for line in comment.split("\n")):
        question = one(f"{comment}\n::Q::How are you? {{}}")
        assert (question.idnumber or "", question.tags) == (idnumber, tags)


# --- what Moodle's writequestion() writes (the test_export_* expectations) imports back as the question -----------
# Each text is the GIFT that giftformat_test.php expects Moodle to export; Moodle imports it as the question it was
# exported from, and so must we. (Moodle keeps a format per answer and feedback; ours is one per question: a
# differing marker is dropped with a warning, as test_import_match shows.)

def test_moodles_exported_essay_and_backslashes():
    assert one("// question: 666  name: Q8\n::Q8::How are you?{}\n\n").to_dict() == {
        "type": "essay", "name": "Q8", "text": "How are you?", "format": "moodle", "category": None,
        "general_feedback": ""}
    # MDL-34171: 'A \\ B \\\\ C' is written as "A \\\\ B \\\\\\\\ C"
    assert one("// question: 666  name: backslash\n::backslash::A \\\\ B \\\\\\\\ C{}\n\n").text == "A \\ B \\\\ C"


def test_moodles_exported_match():
    question = one("// question: 666  name: Moodle activities\n"
                   "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
                   '\t=<div class\\="frog">An activity supporting asynchronous discussions.</div> -> Forum\n'
                   "\t=[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
                   "\t=[plain]A bank of record entries which participants can add to. -> Database\n"
                   "\t=[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
                   "\t= -> Chat\n}\n\n")
    assert (question.type, question.format) == ("matching", "html")
    assert pairs(question) == [
        ('<div class="frog">An activity supporting asynchronous discussions.</div>', "Forum"),
        ("A teacher asks a question and specifies a choice of multiple responses.", "Choice"),
        ("A bank of record entries which participants can add to.", "Database"),
        ("A collection of web pages that anyone can add to or edit.", "Wiki"),
        ("", "Chat"),
    ]


@pytest.mark.parametrize("gift, single, expected", [
    ("\t=yellow#right; good!\n\t~red#[html]wrong, it's yellow\n\t~[plain]blue#wrong, it's yellow\n", True,
     [("yellow", 1.0, "right; good!"), ("red", 0.0, "wrong, it's yellow"), ("blue", 0.0, "wrong, it's yellow")]),
    ("\t~%100%yellow#right; good!\n\t~%-50%red#wrong, it's yellow\n\t~%-50%blue#wrong, it's yellow\n", False,
     [("yellow", 1.0, "right; good!"), ("red", -0.5, "wrong, it's yellow"), ("blue", -0.5, "wrong, it's yellow")]),
], ids=["test_export_multichoice", "test_export_multichoice_multi_tricky"])
def test_moodles_exported_multichoice(gift, single, expected):
    question = one("// question: 666  name: Q8\n::Q8::What's between orange and green in the spectrum?{\n"
                   + gift + "}\n\n")
    assert (question.type, question.name, question.single) == ("multichoice", "Q8", single)
    assert answers(question) == expected


def test_moodles_exported_numerical():
    question = one("// question: 666  name: Q5\n::Q5::What is a number from 1 to 5?{#\n\t=%100%3:2#\n"
                   "\t~#Completely wrong\n}\n\n")
    assert (question.type, question.text) == ("numerical", "What is a number from 1 to 5?")
    assert numbers(question) == [(3.0, 2.0, 1.0, ""), (None, 0.0, 0.0, "Completely wrong")]


@pytest.mark.parametrize("general_feedback", ["", "\t####[html]Here is some general feedback!\n"],
                         ids=["test_export_shortanswer", "test_export_shortanswer_with_general_feedback"])
def test_moodles_exported_shortanswer(general_feedback):
    question = one("// question: 666  name: Shortanswer\n::Shortanswer::Which is the best animal?{\n"
                   "\t=%100%Frog#Good!\n\t=%50%Cat#What is it with Moodlers and cats?\n\t=%0%*#Completely wrong\n"
                   + general_feedback + "}\n\n")
    assert answers(question) == [("Frog", 1.0, "Good!"), ("Cat", 0.5, "What is it with Moodlers and cats?"),
                                 ("*", 0.0, "Completely wrong")]
    assert question.general_feedback == ("Here is some general feedback!" if general_feedback else "")


def test_moodles_exported_truefalse():
    # 'trueanswer' has fraction 1 and feedback "You gave the right answer.": written TRUE#<false's>#<true's>
    question = one("// question: 666  name: Q1\n::Q1::42 is the Absolute Answer to everything.{TRUE#[html]42 is "
                   "the Ultimate Answer.#You gave the right answer.}\n\n")
    assert answers(question) == [("true", 1.0, "You gave the right answer."),
                                 ("false", 0.0, "42 is the Ultimate Answer.")]


def test_moodles_exported_question_with_tags_and_idnumber():
    question = one("// question: 7  name: True/false question\n// [id:myid] [tag:tag1] [tag:tag2]\n"
                   "::True/false question::[html]The answer is true.{TRUE#This is the wrong answer.#This is the right "
                   "answer.####You should have selected true.}\n\n")
    assert question.to_dict() == {
        "type": "truefalse", "name": "True/false question", "text": "The answer is true.", "format": "html",
        "category": None, "general_feedback": "You should have selected true.", "idnumber": "myid",
        "tags": ["tag1", "tag2"],
        "answers": [{"text": "true", "fraction": 1.0, "feedback": "This is the right answer."},
                    {"text": "false", "fraction": 0.0, "feedback": "This is the wrong answer."}]}

# --- Moodle's fixtures -------------------------------------------------------------------------------------------

def test_moodles_import_fixture_gives_nine_questions():
    result = parse_gift((SAMPLES / "gift_questions.gift.txt").read_bytes())
    assert [(q.type, q.name, q.text) for q in result.questions] == [
        ("essay", "Q8", "How are you?"),
        ("matching", "Moodle activities", "Match the <b>activity</b> to the description."),
        ("multichoice", "Q2", "What's between orange and green in the spectrum?"),
        ("multichoice", "colours", "What's between orange and green in the spectrum?"),
        # '";' after the block: Moodle reads a missing-word numerical question
        ("numerical", "Q5", 'What is a number from 1 to 5? _____";'),
        ("shortanswer", "Shortanswer", "Which is the best animal?"),
        ("truefalse", "Q1", '42 is the Absolute Answer to everything._____";'),
        ("truefalse", "2-08 TSL", "TSL is blablabla."),
        ("truefalse", "2-08 TSL", "TSL is blablabla."),
    ]
    q1 = result.questions[6]
    assert q1.general_feedback == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert answers(q1) == [("true", 0.0, "42 is the Ultimate Answer."), ("false", 1.0, "You gave the right answer.")]
    assert numbers(result.questions[4]) == [(3.0, 2.0, 1.0, ""), (None, 0.0, 0.0, "Completely wrong")]
    assert [w.code for w in result.warnings].count("text-after-block") == 1  # the numerical one


def test_moodles_export_with_a_category():
    result = parse_gift((SAMPLES / "gift_questions_in_category.gift.txt").read_bytes())
    assert result.categories == ["$course$/Default for New Features"] and result.warnings == []
    assert [(q.type, q.name, q.category) for q in result.questions] == [
        ("matching", "Moodle activities", "$course$/Default for New Features"),
        ("multichoice", "Greeting", "$course$/Default for New Features"),
        ("shortanswer", "Moodle user", "$course$/Default for New Features"),
        ("truefalse", "Moodle acronym", "$course$/Default for New Features"),
    ]
    greeting, user, acronym = result.questions[1:]
    assert greeting.text == ('<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:'
                             "</a><br /><br />What language is being spoken?")
    assert (greeting.format, greeting.single) == ("html", True)
    assert answers(greeting)[1] == ("French", 1.0, "Yes, well done!")
    assert answers(user) == [("Moodler", 1.0, "")]  # "=%100%Moodler#": the weight, and an empty feedback
    assert acronym.text == ('Moodle is an acronym for <span style="font-style: italic;">Modular Object-Oriented '
                            "Dynamic Learning Environment</span>.")
    assert answers(acronym) == [("true", 1.0, ""), ("false", 0.0, "")]


# --- the documentation's sample file (examples.txt) --------------------------------------------------------------

EXAMPLES = [
    ('multichoice', "Who's buried in Grant's tomb?", "Who's buried in Grant's tomb?"),
    ('multichoice', "Grant is _____ in Grant's tomb.", "Grant is _____ in Grant's tomb."),
    ('truefalse', "Grant is buried in Grant's tomb.", "Grant is buried in Grant's tomb."),
    ('shortanswer', "Who's buried in Grant's tomb?", "Who's buried in Grant's tomb?"),
    ('numerical', 'When was Ulysses S. Grant born?', 'When was Ulysses S. Grant born?'),
    ('multichoice', "Who's buried in Grant's tomb?", "Who's buried in Grant's tomb?"),
    ('multichoice', "Grant is _____ in Grant's tomb.", "Grant is _____ in Grant's tomb."),
    ('multichoice', 'The American holiday of Thanksgiving is celebrated on the _____ Thursday of ...', 'The American holiday of Thanksgiving is celebrated on the _____ Thursday of November.'),
    ('multichoice', 'Japanese characters originally came from what country?', 'Japanese characters originally came from what country?'),
    ('shortanswer', "Who's buried in Grant's tomb?", "Who's buried in Grant's tomb?"),
    ('shortanswer', 'Two plus two equals _____.', 'Two plus two equals _____.'),
    ('truefalse', "Grant is buried in Grant's tomb.", "Grant is buried in Grant's tomb."),
    ('truefalse', 'The sun rises in the east.', 'The sun rises in the east.'),
    ('matching', 'Matching Question.', 'Matching Question.'),
    ('matching', 'Match the following countries with their corresponding capitals.', 'Match the following countries with their corresponding capitals.'),
    ('numerical', 'When was Ulysses S. Grant born?', 'When was Ulysses S. Grant born?'),
    ('numerical', 'What is the value of pi (to 3 decimal places)? _____.', 'What is the value of pi (to 3 decimal places)? _____.'),
    ('numerical', 'What is the value of pi (to 3 decimal places)? _____.', 'What is the value of pi (to 3 decimal places)? _____.'),
    ('numerical', 'When was Ulysses S. Grant born?', 'When was Ulysses S. Grant born?'),
    ('numerical', "What's 2 plus 2?", "What's 2 plus 2?"),
    ('shortanswer', 'Kanji Origins', 'Japanese characters originally\ncame from what country?'),
    ('multichoice', 'Thanksgiving Date', 'The American holiday of Thanksgiving is\ncelebrated on the _____ Thursday of November.'),
    ('multichoice', "What's the answer to this multiple-choice question?", "What's the answer to this multiple-choice question?"),
    ('shortanswer', "Who's buried in Grant's tomb?", "Who's buried in Grant's tomb?"),
    ('shortanswer', "Who's buried in **Grant's tomb**?", "Who's buried in **Grant's tomb**?"),
    ('truefalse', "Grant is buried in Grant's tomb.", "Grant is buried in Grant's tomb."),
    ('multichoice', 'Difficult question.', 'Difficult question.'),
    ('multichoice', "Jesus' hometown", 'Jesus Christ was from _____.'),
    ('shortanswer', "Jesus' hometown", 'Jesus Christ was from'),
    ('multichoice', "What two people are entombed in Grant's tomb?", "What two people are entombed in Grant's tomb?"),
    ('multichoice', "What two people are entombed in Grant's tomb?", "What two people are entombed in Grant's tomb?"),
    ('multichoice', 'Which answer equals 5?', 'Which answer equals 5?'),
    ('multichoice', 'GIFT Control Characters', 'Which of the following is NOT a control character for the GIFT import format?'),
    ('multichoice', "Who's buried in Grant's tomb?", "Who's buried in Grant's tomb?"),
    ('multichoice', "Grant is _____ in Grant's tomb.", "Grant is _____ in Grant's tomb."),
    ('truefalse', "Grant is buried in Grant's tomb.", "Grant is buried in Grant's tomb."),
    ('shortanswer', "Who's buried in Grant's tomb?", "Who's buried in Grant's tomb?"),
    ('numerical', 'When was Ulysses S. Grant born?', 'When was Ulysses S. Grant born?'),
    ('matching', 'Match the following countries with their corresponding\ncapitals.', 'Match the following countries with their corresponding\ncapitals.'),
    ('multichoice', "Grant's Tomb", "Grant is _____ in Grant's tomb."),
    ('multichoice', 'Difficult multiple choice question.', 'Difficult multiple choice question.'),
    ('shortanswer', "Jesus' hometown (Short answer ex.)", 'Jesus Christ was from _____.'),
    ('numerical', 'Numerical example', 'When was Ulysses S. Grant born?'),
]


def test_the_documentations_sample_file_imports_like_moodle():
    result = parse_gift((SAMPLES / "gift_examples.txt").read_bytes())
    assert [(q.type, q.name, q.text) for q in result.questions] == EXAMPLES
    # The two pi questions with a "." after the block (the issue's example): missing-word numerical questions.
    assert numbers(result.questions[16]) == [(3.1415, 0.0005, 1.0, "")]
    assert numbers(result.questions[17]) == [(3.1415, 0.00050000000000017, 1.0, "")]  # 3.141..3.142, as PHP saves
    assert [w.code for w in result.warnings] == ["text-after-block", "text-after-block"]
    assert numbers(result.questions[18]) == [(1822.0, 0.0, 1.0, ""), (1822.0, 2.0, 0.5, "")]
    assert answers(result.questions[27]) == [
        ("Jerusalem", 0.0, "This was an important city, but the wrong answer."),
        ("Bethlehem", 0.25, "He was born here, but not raised here."),
        ("Galilee", 0.5, "You need to be more specific."),
        ("Nazareth", 1.0, "Yes! That's right!"),
    ]
    assert answers(result.questions[28]) == [("Nazareth", 1.0, "Yes! That's right!"),
                                             ("Nazereth", 0.75, "Right, but misspelled."),
                                             ("Bethlehem", 0.25, "He was born here, but not raised here.")]
    assert [(q.single, [a.fraction for a in q.answers]) for q in result.questions[29:31]] == [
        (False, [0.0, 0.5, 0.5, 0.0]), (False, [-0.5, 0.5, 0.5, -0.5])]
    assert [a.text for a in result.questions[31].answers] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    control = result.questions[32]
    assert answers(control)[:5] == [(char, 0.0, f"{char} is a control character.") for char in "~=#{}"]
    assert answers(control)[5] == ("\\", 1.0, "Correct! \\ (backslash) is not a control character. BUT,\n"
                                              "it is used to escape the control characters. So, to specify\n"
                                              "a literal backslash, you must escape it with a backslash\n"
                                              "(as shown in this example).")
    assert result.questions[24].format == "markdown"
    assert answers(result.questions[25]) == [("true", 0.0, "No one is buried in Grant's tomb."), ("false", 1.0, "")]
    assert pairs(result.questions[14])[3] == ("India", "New Delhi")
    assert numbers(result.questions[42]) == [
        (1822.0, 0.0, 1.0, "Correct! 100% credit"),
        (1822.0, 2.0, 0.5, "He was born in 1822.\nYou get 50% credit for being close."),
    ]


def test_the_documentations_quick_examples():
    result = parse_gift((SAMPLES / "gift_docs_quick_examples.gift").read_bytes())
    assert result.warnings == []
    assert [q.to_dict() for q in result.questions] == [
        {"type": "truefalse", "name": "Q1", "text": "1+1=2", "format": "moodle", "category": None,
         "general_feedback": "", "answers": [{"text": "true", "fraction": 1.0, "feedback": ""},
                                             {"text": "false", "fraction": 0.0, "feedback": ""}]},
        {"type": "multichoice", "name": "Q2", "text": "What's between orange and green in the spectrum?",
         "format": "moodle", "category": None, "general_feedback": "",
         "answers": [{"text": "yellow", "fraction": 1.0, "feedback": "right; good!"},
                     {"text": "red", "fraction": 0.0, "feedback": "wrong, it's yellow"},
                     {"text": "blue", "fraction": 0.0, "feedback": "wrong, it's yellow"}], "single": True},
        {"type": "shortanswer", "name": "Q3", "text": "Two plus _____ equals four.", "format": "moodle",
         "category": None, "general_feedback": "", "answers": [{"text": "two", "fraction": 1.0, "feedback": ""},
                                                               {"text": "2", "fraction": 1.0, "feedback": ""}]},
        {"type": "matching", "name": "Q4", "text": "Which animal eats which food?", "format": "moodle",
         "category": None, "general_feedback": "", "pairs": [{"question": "cat", "answer": "cat food"},
                                                             {"question": "dog", "answer": "dog food"}]},
        {"type": "numerical", "name": "Q5", "text": "What is a number from 1 to 5?", "format": "moodle",
         "category": None, "general_feedback": "",
         "numerical": [{"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}]},
        {"type": "numerical", "name": "Q6", "text": "What is a number from 1 to 5?", "format": "moodle",
         "category": None, "general_feedback": "",
         "numerical": [{"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}]},
        {"type": "numerical", "name": "Q7", "text": "When was Ulysses S. Grant born?", "format": "moodle",
         "category": None, "general_feedback": "",
         "numerical": [{"value": 1822.0, "tolerance": 0.0, "fraction": 1.0, "feedback": "Correct! Full credit."},
                       {"value": 1822.0, "tolerance": 2.0, "fraction": 0.5,
                        "feedback": "He was born in 1822. Half credit for being close."}]},
        {"type": "essay", "name": "Q8", "text": "How are you?", "format": "moodle", "category": None,
         "general_feedback": ""},
    ]


@pytest.mark.parametrize("name", ["gift_questions.gift.txt", "gift_questions_in_category.gift.txt",
                                  "gift_examples.txt", "gift_docs_quick_examples.gift"])
def test_moodles_files_round_trip_through_our_export(name):
    questions = parse_gift((SAMPLES / name).read_bytes()).questions
    assert [q.to_dict() for q in parse_gift(export_gift(questions)).questions] == [q.to_dict() for q in questions]


# --- the three files issue 19 found refused: Moodle imports them, and so do we -----------------------------------

def test_the_issues_three_refused_examples_import_with_moodles_results():
    # 1. Text after the block: Moodle's missing-word numerical question (the block becomes "_____").
    result = parse_gift("What is the value of pi (to 3 decimal places)? {#3.1415:0.0005}.")
    (pi,) = result.questions
    assert (pi.type, pi.text, numbers(pi)) == (
        "numerical", "What is the value of pi (to 3 decimal places)? _____.", [(3.1415, 0.0005, 1.0, "")])
    assert [(w.line, w.code) for w in result.warnings] == [(1, "text-after-block")]
    # 2. A title spanning lines: the name runs to the "::" on the next line.
    result = parse_gift("::Question title\n:: Question {\n=right\n~wrong\n}")
    (titled,) = result.questions
    assert (titled.name, titled.text, titled.type, answers(titled)) == (
        "Question title", "Question", "multichoice", [("right", 1.0, ""), ("wrong", 0.0, "")])
    assert result.warnings == []
    # 3. Only categories: no question, every category (Moodle creates them), a warning for each.
    result = parse_gift("$CATEGORY: $course$/top/Alpha\n\n$CATEGORY: $course$/top/Alpha/Beta\n")
    assert (result.questions, result.categories) == ([], ["$course$/top/Alpha", "$course$/top/Alpha/Beta"])
    assert [w.line for w in result.warnings] == [1, 3]
