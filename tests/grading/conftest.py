"""The graded course, shared by every grading test module (graded once per session)."""

import pytest

from tests.grading.course import graded_course


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """The results of the instructor guide's commands on a copy of the course (see course.py)."""
    return graded_course(tmp_path_factory.mktemp("course"))
