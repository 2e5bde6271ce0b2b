"""Live panels: ipywidgets controls over one matplotlib figure each, for the notebooks and the dashboard.

:mod:`course_lib.panels.base` holds what they share (the figure view, the panel protocol,
the display bundle and the reading of typed text); each other module holds the panels of
one topic. See the package docstring of :mod:`course_lib` for the list of modules.
"""
