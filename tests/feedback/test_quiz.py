"""The check-yourself quiz: right answers pass, wrong ones get hints, garbage gets a message."""

import pytest

from course_lib.feedback import quiz

#: A right answer for every question, typed as a learner would.
RIGHT = [
    "(1, (60000,), 'uint8')",
    "(60000, 14, 14)",
    "2345",
    "[[1, 0], [0, 4]]",
    "(64, 3, 32, 10)",
    "(2, 3, 4, 6)",
    "[[0, -1], [1, 0]]",
    "([[0, 1], [3, 6]], [-0.5, 3])",
    "8",
    "(-2, -1)",
    "0.498",
]


def test_one_right_answer_per_question():
    assert len(RIGHT) == len(quiz.QUESTIONS)


@pytest.mark.parametrize("k", range(len(quiz.QUESTIONS)), ids=[q.topic for q in quiz.QUESTIONS])
def test_right_answer_passes_and_the_example_format_gets_a_hint(k):
    question = quiz.QUESTIONS[k]
    assert quiz.judge(question, RIGHT[k]), quiz.judge(question, RIGHT[k]).message
    example = quiz.judge(question, question.example)  # the placeholder reads fine but is not the answer
    assert not example and example.message.startswith("Not yet") and "Hint:" in example.message


@pytest.mark.parametrize("text, message", [
    ("", "type an answer first"),
    ("seven", "could not read 'seven'"),
    ("__import__('os').system('echo hi')", "could not read"),
    ("(1, 2", "could not read"),
    ("[" * 400, "characters long"),
])
def test_garbage_is_refused_with_a_message_and_never_run(text, message):
    feedback = quiz.judge(quiz.QUESTIONS[0], text)
    assert not feedback and message in feedback.message


def test_values_that_break_a_check_become_a_message():
    ragged = quiz.judge(quiz.QUESTIONS[6], "[[0, -1], [1]]")  # rotation matrix with a short row
    assert not ragged and "Not yet" in ragged.message
    pair = quiz.judge(quiz.QUESTIONS[7], "5")
    assert not pair and "write the pair as (W, b)" in pair.message


def test_quiz_widget_keeps_score_and_shows_feedback():
    board = quiz.Quiz()
    assert board.summary() == "Quiz: 11 questions, 0 right so far"
    assert "0 of 11 right so far" in board.score.value
    assert board.answer(2, "2345")
    assert "Correct!" in board.feedback[2].value and "#1b7a1b" in board.feedback[2].value
    assert not board.answer(5, "(2, 3, 4, 5, 6)")
    assert "Hint:" in board.feedback[5].value
    assert not board.answer(0, "<script>alert(1)</script>")
    assert "<script>" not in board.feedback[0].value  # shown escaped
    board.boxes[9].value = "(-2, -1)"  # Enter in the box (value change) checks as well
    assert board.results[9] and board.right() == 2
    board.buttons[9].click()
    assert "2 of 11 right so far" in board.score.value
    bundle = board._repr_mimebundle_()
    assert bundle["text/plain"] == "Quiz: 11 questions, 2 right so far"
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == board.widget.model_id


def test_quiz_checks_what_the_page_sends_like_every_panel():
    board = quiz.Quiz()
    board.boxes[2].set_state({"value": ["2345"]})  # a list where the box holds text
    assert board.boxes[2].value == "" and board.results[2] is None
    assert board.error == "answer 3 must be text of at most 1000 characters; got ['2345']. It stays at ''."
    board.boxes[2].set_state({"value": "9" * 5000})
    assert "got 5000 characters" in board.error
    board.buttons[2].set_state({"description": "<b>pwned</b>"})
    assert board.buttons[2].description == "Check" and "cannot be changed from the page" in board.error
    board.boxes[2].set_state({"value": "2345"})
    assert board.error is None and board.results[2] and "1 of 11 right so far" in board.score.value
    assert board.message in board.widget.children  # the message line shows under the score
