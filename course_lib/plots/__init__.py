"""Pictures for the course: one module per topic, each returning labelled matplotlib figures.

``plot_*`` functions make a complete, titled figure for a notebook cell; ``draw_*``
functions draw onto a given Axes and return the artists they made, so the live panels
(:mod:`course_lib.panels`) can move them in place. See the package docstring of
:mod:`course_lib` for the list of modules.
"""
