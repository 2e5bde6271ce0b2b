# nbgrader settings for the course's assignments. Run every grading command from this
# folder (the Makefile's grading targets do), so nbgrader finds this file and keeps its
# gradebook.db here. The instructor guide is the README's "Assignments" section.
c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

# Where things live, relative to this folder (nbgrader's standard layout):
#   source/<assignment>/      instructor notebooks: solutions and hidden tests
#   release/<assignment>/     generated student versions (committed, handed out)
#   downloaded/<assignment>/archive/  learners' files as downloaded from your LMS or mail
#   submitted/<student>/<assignment>/  collected submissions
#   autograded/, feedback/, reports/   grading results

# Student versions: what replaces a solution, kindly worded.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Collecting: a downloaded file "<student id>_<notebook>.ipynb", e.g. ada_a1_tensors.ipynb,
# alone or inside a .zip, belongs to that student and notebook.
c.FileNameCollectorPlugin.named_regexp = r".*/(?P<student_id>[^/]+?)_(?P<file_id>a\d+_[A-Za-z0-9_]+\.ipynb)$"

# Autograding runs learners' code: keep every notebook contained.
# - Each cell may run 60 s at most; then the kernel is interrupted, the cell fails and
#   grading goes on with the next cell (other questions keep their points).
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# - Test cells a learner deleted are put back from the source before grading, and edited
#   ones are overwritten (nbgrader restores locked cells from its gradebook).
c.OverwriteCells.add_missing_cells = True
# - Output is capped by lines (nbgrader) and by characters (a single enormous line).
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402 - after the plain settings
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    Execute,
    IgnorePattern,
    LimitOutput,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from course_grading.preprocessors import LimitOutputSize, RestoreDeletedTestCells  # noqa: E402

# nbgrader's own steps, with two changes (see grading/course_grading/preprocessors.py, the
# instructor-only package that requirements/grader.txt installs): deleted test cells are
# restored robustly, and the character cap runs after nbgrader's line cap.
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreDeletedTestCells, CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, LimitOutputSize,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
]
