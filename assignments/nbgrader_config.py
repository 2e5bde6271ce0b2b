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

# Collecting is `make collect` (grading/course_grading/collect.py), not nbgrader's zip_collect:
# a downloaded "<student id>_<notebook>.ipynb", e.g. ada_a1_tensors.ipynb (alone, in a folder or
# in a .zip; Colab, browser and LMS names forgiven), belongs to that student and notebook, and a
# file it cannot place is named in an error instead of being skipped with a warning.

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
# - Every notebook runs in a sandbox (bubblewrap; grading/course_grading/sandbox.py): it sees
#   the system, Python and course_lib read-only and a private copy of its own folder (without
#   notebooks); not this folder, the home folder or the network. Every process it starts ends
#   with the notebook. Per process at most 4 GiB of memory, 10 minutes of CPU time and files of
#   64 MiB. Without bwrap, grading refuses; `make autograde ... SANDBOX=off` grades unconfined
#   (only inside a throwaway machine: the report says so).
c.SandboxKernelManager.memory_mb = 4096
c.SandboxKernelManager.cpu_s = 600
c.SandboxKernelManager.file_size_mb = 64

from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402 - after the plain settings
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from course_grading.preprocessors import LimitOutputSize, RestoreDeletedTestCells  # noqa: E402
from course_grading.sandbox import SandboxedExecute  # noqa: E402

# nbgrader's own steps, with three changes (see grading/course_grading/preprocessors.py and
# sandbox.py, the instructor-only package that requirements/grader.txt installs): deleted test
# cells are restored robustly, the character cap runs after nbgrader's line cap, and notebooks
# execute in the sandbox (SandboxedExecute: nbgrader's Execute with a sandboxed kernel).
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreDeletedTestCells, CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, LimitOutputSize,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
]

# Three more steps (grading/course_grading/tampering.py and feedback.py):
# - first, cells with the id of an instructor's cell get its grading flags back (a submission
#   that edited them would otherwise stop nbgrader on that notebook);
# - after sanitizing, a run-time check follows every test cell: the report learns from it
#   whether the objects the tests use (NumPy, course_lib, builtins, the kernel's error
#   display) were still the originals when the test ran;
# - feedback pages show each test's result in words, never a hidden test's code.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from course_grading.feedback import HideHiddenTests  # noqa: E402
from course_grading.tampering import AddRunTimeChecks, RestoreGradingMetadata  # noqa: E402

c.Autograde.sanitize_preprocessors = [RestoreGradingMetadata, *c.Autograde.sanitize_preprocessors, AddRunTimeChecks]
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
