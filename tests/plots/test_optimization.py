"""Pictures of optimisation: slopes in words and titled figures (verdicts on runs: tests/test_optimization.py)."""

from course_lib import optimization as opt
from course_lib.plots import optimization as op


def test_describe_slope_in_words():
    assert op.describe_slope(0.0).startswith("flat here")
    assert "f falls steeply" in op.describe_slope(-3.0)
    assert "f rises gently" in op.describe_slope(0.2)


def test_figures_are_titled():
    assert op.plot_derivative("cos(x)", [0.0, 1.5]).axes[1].get_title() == "at p = 1.50: slope a = -1.00"
    fig = op.plot_learning_rates([0.05, 1.05])
    assert fig.axes[0].get_title() == "learning rate 0.05\ntoo slow" and len(fig.axes) == 4
    assert "plain: w = 1.13" in op.plot_momentum().axes[0].get_title()
    x, y = opt.make_regression()
    ax = op.plot_minibatch_comparison(x, y).axes[0]
    assert ax.get_yscale() == "log" and len(ax.lines) == 3
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "true SGD (batch_size=1)"
