"""A "check yourself" quiz: the assignments' questions in answer-a-value form, with instant feedback.

In Voila there is no code to write, so the dashboard's quiz tab asks for values instead:
a shape, a count, a matrix, a pair of gradients. Every answer is read safely (Python
literals only, never executed) and judged by the same check functions the chapter
notebooks use (:mod:`course_lib.feedback.exercises`), so the feedback and hints are the same
everywhere: JupyterLab, Colab, Binder or Voila.

Introduced in the dashboard (``make dashboard``, tab "Check yourself").
"""

from __future__ import annotations

import ast
import html
from dataclasses import dataclass
from typing import Callable

import ipywidgets as widgets
import numpy as np

from course_lib.feedback import base as checks
from course_lib.feedback import exercises
from course_lib.panels.base import Panel, coloured, widget_bundle

#: Longest answer read; anything longer is refused with a message (no parser stress).
MAX_ANSWER_LENGTH = 300


@dataclass(frozen=True)
class Question:
    """One quiz question: what it covers, what it asks, an answer's format, how to judge it."""

    topic: str
    prompt: str
    example: str
    check: Callable[[object], checks.Feedback]


def _collapsed(answer) -> checks.Feedback:
    W1, b1 = np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([1.0, -1.0])
    W2, b2 = np.array([[0.0, 1.0], [3.0, 0.0]]), np.array([0.5, 0.0])
    try:
        W, b = answer
    except (TypeError, ValueError):
        return checks.not_yet("write the pair as (W, b): a 2 x 2 matrix, then a vector of 2.",
                              "W = W2 @ W1 and b = W2 @ b1 + b2.")
    return exercises.check_collapsed_layers(W, b, W1, b1, W2, b2)


#: The questions, in the order of the chapter (and of the assignments).
QUESTIONS = [
    Question("Tensor attributes",
             "MNIST's <code>train_labels</code> holds 60,000 labels stored as unsigned bytes. "
             "Type its rank, shape and dtype name.",
             "(2, (3, 4), 'float32')",
             lambda a: exercises.check_label_attributes(a, np.zeros(60000, dtype="uint8"))),
    Question("Slicing",
             "<code>train_images</code> has shape (60000, 28, 28). What is the shape of the centred crop "
             "<code>train_images[:, 7:-7, 7:-7]</code>?",
             "(10, 20, 20)",
             lambda a: checks.check_shape(a, (60000, 14, 14),
                                          hint="7:-7 drops 7 pixels at each end of a 28-pixel axis; axis 0 is kept.")),
    Question("Batches",
             "How many gradient updates does <code>fit(epochs=5, batch_size=128)</code> make on 60,000 samples?",
             "1000",
             exercises.check_gradient_updates),
    Question("relu",
             "What is <code>naive_relu</code> of the matrix [[1, -2], [-3, 4]]?",
             "[[0, 0], [0, 0]]",
             lambda a: exercises.check_relu_points(a, [[1, -2], [-3, 4]])),
    Question("Broadcasting",
             "x has shape (64, 3, 32, 10) and y has shape (32, 10). What is the shape of "
             "<code>np.maximum(x, y)</code>?",
             "(1, 2, 3)",
             lambda a: exercises.check_broadcast_shape(a, (64, 3, 32, 10), (32, 10))),
    Question("Tensor product",
             "x has shape (2, 3, 4, 5) and y has shape (5, 6). What is the shape of <code>x @ y</code>?",
             "(1, 2, 3)",
             exercises.check_product_shape),
    Question("Rotation",
             "Which 2 x 2 matrix rotates points 90 degrees counter-clockwise?",
             "[[1, 0], [0, 1]]",
             exercises.check_rotation_90),
    Question("Two layers are one",
             "Layer 1 has W1 = [[1, 2], [0, 1]], b1 = [1, -1]; layer 2 has W2 = [[0, 1], [3, 0]], b2 = [0.5, 0]. "
             "Which single layer (W, b) does the same as both in turn?",
             "([[1, 0], [0, 1]], [0, 0])",
             _collapsed),
    Question("Derivative",
             "What is the derivative of f(x) = 3x<sup>2</sup> + 2x at x = 1?",
             "5",
             exercises.check_derivative_by_hand),
    Question("Backward pass",
             "With x = 2, w = 3, b = 1 and y_true = 10, the graph computes x1 = w * x, x2 = x1 + b and "
             "loss = |y_true - x2|. Type (grad(loss, w), grad(loss, b)).",
             "(1, 1)",
             lambda a: exercises.check_backward_pass(a, x=2.0, w=3.0, b=1.0, y_true=10.0)),
    Question("Training step",
             "A weight w = 0.5 has gradient 2.0. What is w after one step of plain gradient descent with "
             "learning rate 0.001?",
             "0.1",
             exercises.check_sgd_update),
]


def parse_answer(text: str):
    """Read a typed answer as a Python literal (number, string, tuple, list); never run it.

    Raises ``ValueError`` with a message for the learner when the text is not a literal.
    """
    text = text.strip()
    if not text:
        raise ValueError("type an answer first.")
    if len(text) > MAX_ANSWER_LENGTH:
        raise ValueError(f"that answer is {len(text)} characters long; the answers here need far fewer.")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ValueError(f"could not read {text!r}: write numbers, tuples such as (2, 3), lists such as "
                         "[[0, -1], [1, 0]], or text in quotes.") from None


def judge(question: Question, text: str) -> checks.Feedback:
    """Parse ``text`` and check it; a parse failure or a check that fails to run becomes a message."""
    try:
        answer = parse_answer(text)
    except ValueError as error:
        return checks.unreadable(str(error))
    try:
        return question.check(answer)
    except Exception as error:  # noqa: BLE001 - odd values (e.g. ragged lists) must not break the tab
        return checks.not_yet(f"that answer could not be checked ({type(error).__name__}). "
                              f"Write it in the format of the example: {question.example}")


def feedback_html(feedback: checks.Feedback | None) -> str:
    """The feedback as a short coloured line (green when right), hint on its own line."""
    if feedback is None:
        return ""
    mark = "&#10004;" if feedback else "&#9998;"
    body = html.escape(feedback.message).replace("\n", "<br>")
    return coloured("right" if feedback else "hint", f"{mark} {body}", tag="div", style="margin:2px 0 8px 0")


class Quiz(Panel):
    """The quiz as a widget: one row per question (prompt, answer box, Check button, feedback).

    An answer is checked when its button is pressed or Enter is hit in its box. Drive it
    without a browser with :meth:`answer`. Like every panel it checks what the page sends
    (:meth:`course_lib.panels.base.Panel.watch`): an answer box takes text of at most
    :data:`course_lib.panels.base.MAX_TEXT_LENGTH` characters, and anything else is
    refused on the message line under the score.
    """

    title = "Check yourself"

    def __init__(self, questions=None):
        super().__init__()
        self.questions = list(questions or QUESTIONS)
        self.results: list[checks.Feedback | None] = [None] * len(self.questions)
        self.score = widgets.HTML()
        self.boxes, self.buttons, self.feedback = [], [], []
        rows = []
        for k, question in enumerate(self.questions):
            box = widgets.Text(placeholder=f"e.g. {question.example}", continuous_update=False,
                               layout=widgets.Layout(width="300px"))
            button = widgets.Button(description="Check", layout=widgets.Layout(width="80px"))
            note = widgets.HTML()
            self.watch(box, handler=lambda change, k=k: self.check(k), labels=[f"answer {k + 1}"])
            self.watch(button, handler=lambda k=k: self.check(k), labels=[f"Check button {k + 1}"])
            prompt = widgets.HTML(f"<b>{k + 1}. {html.escape(question.topic)}.</b> {question.prompt}",
                                  layout=widgets.Layout(max_width="900px"))
            rows.append(widgets.VBox([prompt, widgets.HBox([box, button]), note]))
            self.boxes.append(box)
            self.buttons.append(button)
            self.feedback.append(note)
        self.widget = widgets.VBox([self.score, self.message, *rows])
        self._update_score()

    def answer(self, k: int, text: str) -> checks.Feedback:
        """Type ``text`` into question ``k``'s box and check it; return the feedback."""
        self.boxes[k].value = text
        return self.check(k)

    def check(self, k: int) -> checks.Feedback:
        """Check question ``k``'s current answer and show the feedback."""
        feedback = judge(self.questions[k], self.boxes[k].value)
        self.results[k] = feedback
        self.feedback[k].value = feedback_html(feedback)
        self._update_score()
        return feedback

    def right(self) -> int:
        return sum(bool(r) for r in self.results)

    def _update_score(self) -> None:
        self.score.value = (f"<p><b>{self.right()} of {len(self.questions)} right so far.</b> Answers are read as "
                            "values (never run as code); each gets a hint when it is not right yet.</p>")

    def summary(self) -> str:
        return f"Quiz: {len(self.questions)} questions, {self.right()} right so far"

    def _repr_mimebundle_(self, **kwargs):
        return widget_bundle(self.summary(), self.widget)
