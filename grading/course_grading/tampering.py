"""Finding submissions that tamper with what the tests rely on, in two independent ways.

Graded tests run in the learner's own kernel, after the learner's code, so that code can
make them pass by changing the library functions they call (``np.allclose = lambda *a:
True``). Neither check below trusts the other:

- **The code** (:func:`tampering_flags`, :func:`find_tampering`): every code cell the learner
  wrote is parsed (``ast``; IPython's ``%magics`` are translated first) and walked, with
  import aliases followed across cells (``import numpy as n``, ``from course_lib.feedback
  import base as b``, ``n2 = n``). Flagged: assigning or deleting an attribute or item of
  anything imported, setting any ``__dunder__`` attribute, ``setattr``/``delattr``, writes into
  ``vars(...)``, ``globals()``, ``locals()`` or ``__dict__``, ``exec``/``eval``/``compile``/
  ``__import__``, ``importlib``, ``sys.modules``, ``builtins``/``__builtins__``, interpreter
  introspection (frames, ``__globals__``, ``__code__``, ``__subclasses__``, ``gc``, ``ctypes``),
  ``unittest.mock``, the kernel itself (``get_ipython``, except harmless magics such as
  ``%timeit``), and classes that redefine equality or truth (an object equal to anything
  passes ``assert answer == expected``). A cell that cannot be parsed is reported as such.
- **The run** (:class:`AddRunTimeChecks`, :func:`runtime_problems`): at autograde time a
  small cell is inserted after every graded test cell. It fingerprints, in the kernel, every
  object of the modules the tests use (``builtins``, ``math``, NumPy's core modules, the
  loaded ``course_lib`` modules) and the IPython shell's error display, and prints a digest
  per module with a random nonce. The report recomputes the fingerprints from fresh imports
  in its own process; any difference (an object that is not the original) is named.

Flagged questions are marked "needs review" in the report (:mod:`course_grading.report`) and
their points counted apart. The inserted cells never reach learners: the feedback pages
drop them (:mod:`course_grading.feedback`).
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from course_grading.notebooks import nbgrader_meta

# --- The code: an AST walk over the learner's own cells --------------------------------

#: Names the course's locked cells bind to library modules (``np``, ``check``, ...): a
#: learner's cell that assigns to one of their attributes is flagged even without seeing
#: the import (the names from before ``course_lib.feedback`` are kept too).
LIBRARY_NAMES = ("np", "numpy", "tf", "tensorflow", "course_lib", "check", "checks", "assignment_checks",
                 "feedback", "assignments", "base")
#: Modules whose mere use reaches into the interpreter or patches objects.
FORBIDDEN_MODULES = {
    "importlib": "imports modules by name (importlib)",
    "builtins": "reaches Python's built-in functions (builtins)",
    "__builtin__": "reaches Python's built-in functions (builtins)",
    "ctypes": "reaches into the interpreter's memory (ctypes)",
    "gc": "reaches objects through the garbage collector (gc)",
    "unittest.mock": "patches objects (unittest.mock)",
    "mock": "patches objects (mock)",
    "IPython": "changes the notebook's kernel (IPython)",
    "ipykernel": "changes the notebook's kernel (ipykernel)",
}
#: Calls that run code built at run time or set attributes by name.
FORBIDDEN_CALLS = {
    "exec": "runs code built at run time (exec)",
    "eval": "runs code built at run time (eval)",
    "compile": "compiles code at run time (compile)",
    "__import__": "imports modules by name (__import__)",
    "setattr": "sets attributes by name (setattr)",
    "delattr": "deletes attributes by name (delattr)",
    "get_ipython": "changes the notebook's kernel (get_ipython)",
    "breakpoint": "starts a debugger (breakpoint)",
}
#: Attributes that reach interpreter internals: functions' code and globals, frames, classes.
INTROSPECTION = {"__globals__", "__code__", "__closure__", "__defaults__", "__kwdefaults__", "__builtins__",
                 "__subclasses__", "__bases__", "__base__", "__mro__", "__setattr__", "__delattr__",
                 "__getattribute__", "__import__", "__loader__", "__spec__", "__self__", "__func__",
                 "f_globals", "f_locals", "f_builtins", "f_back", "f_code", "tb_frame", "gi_frame", "cr_frame",
                 "ag_frame", "_getframe", "settrace", "setprofile", "modules"}
#: Special methods that make an object pass comparisons or truth tests it should fail.
FOOLING_METHODS = {"__eq__", "__ne__", "__bool__", "__array_ufunc__", "__array_function__", "__instancecheck__",
                   "__subclasscheck__"}
#: Magics a learner may use: they time, show or install, and cannot touch the kernel's objects.
SAFE_MAGICS = {"time", "timeit", "matplotlib", "pip", "who", "whos", "prun", "capture", "memit", "pprint"}
#: Methods that change a mapping (``vars(np).update(...)``).
MUTATORS = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__", "__ior__"}

CHANGES_LIBRARY = "changes library code at run time"
SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")


@dataclass(frozen=True)
class Flag:
    """One flagged line of a learner's code cell."""

    cell: int  # index of the cell in the notebook
    line: str  # the line, stripped
    reason: str  # in plain words
    review: bool = True  # False: worth saying, but harmless (a cell that never ran)


def find_tampering(nb, source=None) -> list[str]:
    """Return the lines of ``nb``'s own code that could fool the tests, each once.

    ``source`` is the instructor's notebook: cells that belong to it as locked or test
    cells are the grader's (nbgrader replaces them) and only their imports are read.
    Without it, the ``nbgrader`` metadata of ``nb`` says which cells are locked.
    """
    return list(dict.fromkeys(flag.line for flag in tampering_flags(nb, source) if flag.review))


def tampering_flags(nb, source=None) -> list[Flag]:
    """Return a :class:`Flag` for each flagged line of ``nb``'s own code (see the module docstring)."""
    if nb is None:
        return []
    grader = _grader_cells(source)
    walker = _Walker()
    flags = []
    previous = None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            previous = cell
            continue
        meta = nbgrader_meta(cell)
        if is_check_cell(cell) and previous is not None and nbgrader_meta(previous).get("grade"):
            previous = cell
            continue  # the grader's run-time check (AddRunTimeChecks), right after a test cell
        previous = cell
        grade_id = meta.get("grade_id")
        if source is not None:
            theirs = grade_id in grader
            text = grader.get(grade_id, cell.source)
        else:
            theirs = bool(meta.get("grade") or meta.get("locked"))
            text = cell.source
        tree, error = _parse(text)
        if tree is None:
            if not theirs:
                # Python refused it too (the kernel shows a SyntaxError): nothing in it ran.
                refused = any(out.get("output_type") == "error" and out.get("ename") in SYNTAX_ERRORS
                              for out in cell.get("outputs", []))
                first = text.strip().splitlines()[0].strip() if text.strip() else ""
                reason = f"has a code cell that could not be read for the tampering check ({error})"
                flags.append(Flag(index, first, reason, review=not refused))
            continue
        lines = text.splitlines()
        walker.found = []
        walker.check = not theirs
        walker.visit(tree)
        for lineno, reason in sorted(walker.found, key=lambda found: found[0]):
            line = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else text.strip()
            flags.append(Flag(index, line, reason))
    return flags


def _grader_cells(source) -> dict:
    """grade id -> source of the instructor's locked and test cells."""
    if source is None:
        return {}
    return {nbgrader_meta(c)["grade_id"]: c.source for c in source.cells
            if c.cell_type == "code" and "grade_id" in nbgrader_meta(c)
            and (nbgrader_meta(c).get("locked") or nbgrader_meta(c).get("grade"))
            and not nbgrader_meta(c).get("solution")}


def _parse(text: str):
    """The AST of a cell (IPython syntax translated first), or None and why not."""
    with contextlib.suppress(Exception):  # without IPython (or when it fails), parse the cell as it is
        from IPython.core.inputtransformer2 import TransformerManager
        text = TransformerManager().transform_cell(text)
    try:
        return ast.parse(text), None
    except (SyntaxError, ValueError) as error:
        return None, f"{type(error).__name__}: {getattr(error, 'msg', error)}, line {getattr(error, 'lineno', '?')}"


class _Walker(ast.NodeVisitor):
    """Walks the cells in order, remembering what each name is bound to."""

    def __init__(self):
        # name -> the dotted module path it was imported from ("?" for the course's usual names)
        self.imported = {name: {"np": "numpy", "tf": "tensorflow"}.get(name, name) for name in LIBRARY_NAMES}
        self.imported.update(sys="sys")
        self.namespaces: set[str] = set()  # names bound to vars(...), globals(), X.__dict__
        self.found: list[tuple[int, str]] = []
        self.check = True

    def flag(self, node, reason):
        if self.check:
            self.found.append((getattr(node, "lineno", 1), reason))

    # -- bindings ---------------------------------------------------------------------

    def visit_Import(self, node):
        for alias in node.names:
            self._forbidden_module(node, alias.name)
            if alias.asname:
                self.imported[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.imported[top] = top
                self.namespaces.discard(top)

    def visit_ImportFrom(self, node):
        module = "." * node.level + (node.module or "")
        self._forbidden_module(node, module)
        for alias in node.names:
            full = f"{module}.{alias.name}" if module else alias.name
            self._forbidden_module(node, full)
            if alias.name == "*":
                continue
            self.imported[alias.asname or alias.name] = full
            self.namespaces.discard(alias.asname or alias.name)

    def _forbidden_module(self, node, name):
        for module, reason in FORBIDDEN_MODULES.items():
            if name == module or name.startswith(module + "."):
                self.flag(node, reason)
                return
        if name in ("sys.modules", "sys._getframe", "sys.settrace", "sys.setprofile"):
            self.flag(node, "reaches into the interpreter (sys)")

    def _bind(self, target, value):
        """Record what the names in ``target`` now stand for."""
        if isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and \
                len(value.elts) == len(target.elts) else [None] * len(target.elts)
            for item, item_value in zip(target.elts, values):
                self._bind(item, item_value)
            return
        if isinstance(target, ast.Starred):
            self._bind(target.value, None)
            return
        if not isinstance(target, ast.Name):
            return
        name = target.id
        self.imported.pop(name, None)
        self.namespaces.discard(name)
        if value is None:
            return
        root = self._imported_root(value)
        if root is not None:
            self.imported[name] = root
        elif self._is_namespace(value):
            self.namespaces.add(name)

    def visit_Assign(self, node):
        self.visit(node.value)
        for target in node.targets:
            self._store(target)
        for target in node.targets:
            self._bind(target, node.value)

    def visit_AnnAssign(self, node):
        if node.value is not None:
            self.visit(node.value)
        self._store(node.target)
        self._bind(node.target, node.value)

    def visit_AugAssign(self, node):
        self.visit(node.value)
        self._store(node.target)

    def visit_NamedExpr(self, node):
        self.visit(node.value)
        self._bind(node.target, node.value)

    def visit_Delete(self, node):
        for target in node.targets:
            self._store(target)
            if isinstance(target, ast.Name):
                self.imported.pop(target.id, None)
                self.namespaces.discard(target.id)

    def visit_For(self, node):
        self.visit(node.iter)
        self._store(node.target)
        self._bind(node.target, None)
        for statement in node.body + node.orelse:
            self.visit(statement)

    visit_AsyncFor = visit_For

    def visit_withitem(self, node):
        self.visit(node.context_expr)
        if node.optional_vars is not None:
            self._store(node.optional_vars)
            self._bind(node.optional_vars, None)

    def visit_FunctionDef(self, node):
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.visit(node.args)
        # The body has its own names: parameters and local assignments shadow imports there only.
        saved = dict(self.imported), set(self.namespaces)
        arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs + \
            [a for a in (node.args.vararg, node.args.kwarg) if a is not None]
        for argument in arguments:
            self.imported.pop(argument.arg, None)
            self.namespaces.discard(argument.arg)
        for statement in node.body:
            self.visit(statement)
        self.imported, self.namespaces = saved
        self.imported.pop(node.name, None)
        self.namespaces.discard(node.name)

    def visit_Lambda(self, node):
        saved = dict(self.imported), set(self.namespaces)
        for argument in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
            self.imported.pop(argument.arg, None)
        self.visit(node.args)
        self.visit(node.body)
        self.imported, self.namespaces = saved

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        for statement in node.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.name in FOOLING_METHODS:
                self.flag(statement, f"defines {statement.name}, which can make a wrong answer pass a comparison")
            if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id in FOOLING_METHODS
                                                         for t in statement.targets):
                self.flag(statement, "redefines a comparison, which can make a wrong answer pass")
        self.generic_visit(node)
        self.imported.pop(node.name, None)

    # -- what is stored ---------------------------------------------------------------

    def _store(self, target):
        """Flag assignments and deletions that change something imported or a namespace."""
        if isinstance(target, (ast.Tuple, ast.List)):
            for item in target.elts:
                self._store(item)
            return
        if isinstance(target, ast.Starred):
            self._store(target.value)
            return
        if isinstance(target, ast.Attribute):
            self.visit(target.value)
            if target.attr.startswith("__") and target.attr.endswith("__"):
                self.flag(target, f"rebinds a special attribute ({target.attr})")
            elif self._imported_root(target.value) is not None:
                self.flag(target, CHANGES_LIBRARY)
        elif isinstance(target, ast.Subscript):
            self.visit(target.value)
            self.visit(target.slice)
            if self._is_namespace(target.value):
                self.flag(target, "writes into a module's or the notebook's namespace")
            elif self._imported_root(target.value) is not None:
                self.flag(target, CHANGES_LIBRARY)

    # -- what is read or called ---------------------------------------------------------

    def visit_Name(self, node):
        if node.id == "__builtins__":
            self.flag(node, FORBIDDEN_MODULES["builtins"])
        origin = self.imported.get(node.id)
        if origin is not None:
            for module, reason in FORBIDDEN_MODULES.items():
                if origin == module or origin.startswith(module + "."):
                    self.flag(node, reason)
                    break
            if origin in ("sys.modules", "sys._getframe"):
                self.flag(node, "reaches into the interpreter (sys)")

    def visit_Attribute(self, node):
        if node.attr in INTROSPECTION:
            if node.attr != "modules" or self._origin(node.value) == "sys":
                what = "sys.modules" if node.attr == "modules" else node.attr
                self.flag(node, f"reaches into the interpreter ({what})")
        if node.attr == "__dict__" and self._imported_root(node.value) is not None:
            self.flag(node, "reaches into a module's namespace (__dict__)")
        self.generic_visit(node)

    def visit_Call(self, node):
        function = node.func
        if isinstance(function, ast.Name):
            name = function.id
            if name in FORBIDDEN_CALLS and name not in self.imported:
                if not (name == "get_ipython" and self._safe_magic(node)):
                    self.flag(node, FORBIDDEN_CALLS[name])
            if name == "vars" and node.args and self._imported_root(node.args[0]) is not None:
                self.flag(node, "reaches into a module's namespace (vars)")
            if name == "getattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                    and node.args[1].value in INTROSPECTION | {"__dict__"}:
                self.flag(node, f"reaches into the interpreter ({node.args[1].value})")
        elif isinstance(function, ast.Attribute):
            if function.attr in MUTATORS and self._is_namespace(function.value):
                self.flag(node, "writes into a module's or the notebook's namespace")
            if isinstance(function.value, ast.Call) and isinstance(function.value.func, ast.Name) \
                    and function.value.func.id == "get_ipython" and self._safe_magic(node):
                for argument in node.args + [k.value for k in node.keywords]:
                    self.visit(argument)
                return
        self.generic_visit(node)

    def _safe_magic(self, node) -> bool:
        """``get_ipython().run_line_magic('timeit', ...)`` and shell escapes, as IPython writes magics."""
        if not (isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call)):
            return False
        method = node.func.attr
        if method in ("system", "getoutput"):
            return True
        return method in ("run_line_magic", "run_cell_magic") and bool(node.args) and \
            isinstance(node.args[0], ast.Constant) and node.args[0].value in SAFE_MAGICS

    # -- helpers --------------------------------------------------------------------------

    def _origin(self, node):
        return self.imported.get(node.id) if isinstance(node, ast.Name) else None

    def _imported_root(self, node):
        """The module path behind ``a.b[c].d`` when ``a`` was imported, else None."""
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        return self._origin(node)

    def _is_namespace(self, node) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.namespaces
        if isinstance(node, ast.Attribute) and node.attr == "__dict__":
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return node.func.id in ("vars", "globals", "locals") and node.func.id not in self.imported
        return False


# --- The run: fingerprints of the objects the tests use ----------------------------------

#: First line of the cells :class:`AddRunTimeChecks` inserts.
CHECK_MARKER = "# Grader's run-time check (added while grading)"
#: What the check prints, then the nonce and the fingerprints as JSON.
CHECK_PREFIX = "course-grading-check"
#: Builtins that IPython and ipykernel replace in every kernel (they are not the learner's doing).
KERNEL_BUILTINS = ("display", "get_ipython", "input", "exit", "quit", "help", "execfile", "runfile", "_", "__", "___")
#: Shell methods that decide whether a failing cell shows its error.
SHELL_METHODS = ("showtraceback", "_showtraceback", "showsyntaxerror", "run_cell", "run_cell_async",
                 "run_code", "run_ast_nodes", "transform_cell", "get_exception_only")

#: The fingerprinting code, run the same way in the kernel (inside the inserted cell) and in
#: the grader (from fresh imports). A fingerprint is text; a digest its SHA-256 (16 hex).
FINGERPRINT_SOURCE = r'''
def _course_grading_fingerprints(module_names, expected, kernel_builtins, shell_methods, shell):
    import hashlib, sys, types
    simple = (int, float, complex, str, bytes, bool, type(None), type(Ellipsis))

    def text(value, depth=0):
        if type(value) in simple:
            return repr(value)
        if isinstance(value, types.CodeType):
            return code(value, depth)
        if type(value) in (tuple, frozenset) and depth < 5:
            items = [text(item, depth + 1) for item in value]
            if type(value) is frozenset:
                items.sort()
            return type(value).__name__ + "(" + ",".join(items) + ")"
        return "<" + str(type(value).__module__) + "." + type(value).__qualname__ + ">"

    def code(c, depth=0):
        return ("code(" + c.co_code.hex() + "|" + ",".join(c.co_names) + "|" + ",".join(c.co_varnames) + "|"
                + ",".join(text(k, depth + 1) for k in c.co_consts) + ")")

    def function(f):
        kwdefaults = sorted((f.__kwdefaults__ or {}).items(), key=lambda item: item[0])
        return ("function " + str(f.__module__) + "." + f.__qualname__ + " " + code(f.__code__) + " "
                + text(f.__defaults__) + text(tuple(kwdefaults)) + " closure " + str(len(f.__closure__ or ()))
                + " globals " + str(f.__globals__.get("__name__")))

    def member(value):
        if isinstance(value, types.FunctionType):
            return function(value)
        if isinstance(value, (staticmethod, classmethod)) and isinstance(value.__func__, types.FunctionType):
            return type(value).__name__ + " " + function(value.__func__)
        if isinstance(value, property):
            return "property " + " ".join(function(f) if isinstance(f, types.FunctionType) else text(f)
                                          for f in (value.fget, value.fset, value.fdel))
        return text(value)

    def describe(value, owner, name):
        kind = type(value)
        if isinstance(value, types.FunctionType):
            return function(value)
        if isinstance(value, types.BuiltinFunctionType):
            return "builtin " + str(value.__module__) + "." + str(value.__qualname__)
        if isinstance(value, type):
            members = sorted((k, member(v)) for k, v in vars(value).items() if k not in ("__dict__", "__weakref__"))
            return "class " + str(value.__module__) + "." + value.__qualname__ + " " + repr(members)
        if isinstance(value, types.ModuleType):
            same = value is sys.modules.get(value.__name__)
            return "module " + value.__name__ + (" loaded" if same else " other")
        if kind.__name__ == "_ArrayFunctionDispatcher":
            implementation = getattr(value, "_implementation", None)
            return "dispatcher " + (function(implementation) if isinstance(implementation, types.FunctionType)
                                    else text(implementation))
        if kind.__name__ == "ufunc" and kind.__module__ == "numpy":
            return "ufunc " + value.__name__
        return text(value)

    def module_names_and_digests(module):
        names = {}
        for name, value in list(vars(module).items()):
            if name.startswith("__") and name.endswith("__") and name not in ("__import__", "__build_class__"):
                continue
            if module.__name__ == "builtins" and name in kernel_builtins:
                continue
            if isinstance(value, types.ModuleType) and value is sys.modules.get(module.__name__ + "." + name):
                continue  # a loaded submodule: present or not depending on what was imported
            names[name] = hashlib.sha256(describe(value, module, name).encode()).hexdigest()[:16]
        return names

    def digest(parts):
        return hashlib.sha256(repr(sorted(parts.items())).encode()).hexdigest()[:16]

    result = {}
    for module_name in module_names:
        module = sys.modules.get(module_name)
        if module is None:
            result[module_name] = None
            continue
        names = module_names_and_digests(module)
        entry = {"digest": digest(names)}
        if expected is not None and expected.get(module_name) != entry["digest"]:
            entry["names"] = names
        result[module_name] = entry
    if shell is not None:
        shell_class = shell if isinstance(shell, type) else type(shell)
        parts = {name: hashlib.sha256(member(getattr(shell_class, name, None)).encode()).hexdigest()[:16]
                 for name in shell_methods}
        if not isinstance(shell, type):
            parts["custom exceptions"] = repr(getattr(shell, "custom_exceptions", None))
            # ipykernel itself sets some methods on the shell, as bound methods of its class
            parts["methods replaced on the shell"] = repr(sorted(
                k for k, v in vars(shell).items() if callable(getattr(shell_class, k, None)) and not k.startswith("__")
                and not (getattr(v, "__self__", None) is shell
                         and getattr(v, "__func__", None) is getattr(shell_class, k))))
        else:
            parts["custom exceptions"] = "()"
            parts["methods replaced on the shell"] = "[]"
        entry = {"digest": digest(parts)}
        if expected is not None and expected.get("IPython shell") != entry["digest"]:
            entry["names"] = parts
        result["IPython shell"] = entry
    return result
'''

_namespace: dict = {}
exec(compile(FINGERPRINT_SOURCE, "<course_grading fingerprints>", "exec"), _namespace)  # noqa: S102 - our own code
_fingerprints = _namespace["_course_grading_fingerprints"]

#: Modules always checked; every loaded ``course_lib`` module is added (see :func:`checked_modules`).
CHECKED_MODULES = ("builtins", "math", "numpy", "numpy.linalg", "numpy._core.numeric", "numpy._core.fromnumeric")
_ALLOWED = re.compile(r"^(builtins|math|numpy(\.[\w.]+)?|course_lib(\.[\w.]+)?|IPython shell)$")
_reference: dict = {}


def checked_modules() -> list[str]:
    """The modules whose objects the run-time check fingerprints (imports them here)."""
    import importlib

    import course_lib.feedback.assignments  # noqa: F401 - loads what the tests use
    for name in CHECKED_MODULES:
        importlib.import_module(name)
    return list(CHECKED_MODULES) + sorted(name for name in sys.modules
                                          if name == "course_lib" or name.startswith("course_lib."))


def reference(module_names) -> dict:
    """Fingerprints of ``module_names`` (and the IPython shell) from fresh imports in this process."""
    import importlib
    missing = [name for name in module_names if name not in _reference and _ALLOWED.match(name)]
    if missing:
        for name in missing:
            if name != "IPython shell":
                with contextlib.suppress(Exception):  # a module that does not import is reported as different
                    importlib.import_module(name)
        shell = None
        if "IPython shell" in missing:
            from ipykernel.zmqshell import ZMQInteractiveShell
            shell = ZMQInteractiveShell
        computed = _fingerprints([n for n in missing if n != "IPython shell"], {}, KERNEL_BUILTINS,
                                 SHELL_METHODS, shell)
        _reference.update(computed)
    return {name: _reference.get(name) for name in module_names}


def check_cell_source(nonce: str, modules: list[str], expected: dict) -> str:
    """The code of one inserted check cell."""
    return "\n".join([
        CHECK_MARKER,
        f"_course_grading_nonce = {nonce!r}",
        FINGERPRINT_SOURCE.strip(),
        "import json as _course_grading_json",
        "try:",
        "    _course_grading_shell = get_ipython()",
        "except NameError:",
        "    _course_grading_shell = None",
        "print(" + repr(CHECK_PREFIX + " ") + " + _course_grading_nonce + ' ' + _course_grading_json.dumps(",
        f"    _course_grading_fingerprints({modules!r}, {expected!r}, {KERNEL_BUILTINS!r}, {SHELL_METHODS!r},",
        "                                 _course_grading_shell), sort_keys=True))",
        "del _course_grading_fingerprints, _course_grading_nonce, _course_grading_json, _course_grading_shell",
    ]) + "\n"


def is_check_cell(cell) -> bool:
    """Whether ``cell`` looks like one the grader inserted (the report also checks where it is)."""
    return cell.get("cell_type") == "code" and cell.get("source", "").startswith(CHECK_MARKER)


class AddRunTimeChecks(Preprocessor):
    """Autograde step (before ``Execute``): insert a run-time check after every graded test cell."""

    enabled = Bool(True, help="nbconvert runs a preprocessor only when enabled.").tag(config=True)

    def preprocess(self, nb, resources):
        modules = checked_modules()
        expected = {name: entry["digest"] for name, entry in reference(modules + ["IPython shell"]).items()
                    if entry}
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            meta = nbgrader_meta(cell)
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                check = nbformat.v4.new_code_cell(check_cell_source(secrets.token_hex(12), modules, expected))
                check.metadata["deletable"] = False
                check.metadata["editable"] = False
                if nb.get("nbformat_minor", 5) < 5 or "id" not in cell:
                    check.pop("id", None)
                cells.append(check)
        nb.cells = cells
        return nb, resources


#: The nbgrader flags that decide how a cell is graded.
GRADING_FLAGS = ("grade", "solution", "locked", "task", "points")


def edited_flags(cell, original) -> dict:
    """flag -> (what the instructor's cell says, what ``cell`` says), for every flag that differs."""
    mine, theirs = nbgrader_meta(cell), nbgrader_meta(original)
    return {key: (theirs.get(key), mine.get(key)) for key in GRADING_FLAGS
            if (key in theirs or key in mine) and theirs.get(key) != mine.get(key)
            and not (key == "points" and _same_number(theirs.get(key), mine.get(key)))}


def _same_number(a, b) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


class RestoreGradingMetadata(Preprocessor):
    """Autograde step (first of all): a cell with the id of an instructor's cell gets its nbgrader flags back.

    A submission can edit its cells' metadata: a test cell that claims 100 points, is no
    longer "graded" or has become a "hand-graded answer". nbgrader fixes the points but
    not the flags, and then stops on that notebook ("Inconsistent checksums"), so the
    learner would get nothing. Here every such cell takes the flags (``grade``,
    ``solution``, ``locked``, ``task``, ``points``) of the cell with its id in
    ``source/<assignment>/<notebook>.ipynb``; the report says what had been changed.
    """

    enabled = Bool(True, help="nbconvert runs a preprocessor only when enabled.").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        path = Path(str(info.get("db_url", "")).removeprefix("sqlite:///")).parent / "source" / \
            str(info.get("assignment", "")) / f"{info.get('notebook', '')}.ipynb"
        if not path.is_file():
            return nb, resources
        source = nbformat.read(str(path), as_version=4)
        originals = {nbgrader_meta(c)["grade_id"]: c for c in source.cells if "grade_id" in nbgrader_meta(c)}
        for cell in nb.cells:
            original = originals.get(nbgrader_meta(cell).get("grade_id"))
            changed = edited_flags(cell, original) if original is not None else {}
            if not changed:
                continue
            self.log.warning("Cell %s: grading flags edited in the submission; restored %s",
                             nbgrader_meta(cell)["grade_id"], sorted(changed))
            meta = cell.metadata["nbgrader"]
            for key in changed:
                if key in nbgrader_meta(original):
                    meta[key] = nbgrader_meta(original)[key]
                else:
                    meta.pop(key, None)
        return nb, resources


def runtime_problems(graded, grade_id: str) -> list[str] | None:
    """What the run-time check after test cell ``grade_id`` of the autograded notebook found.

    Returns None when the notebook has no check there (graded without
    :class:`AddRunTimeChecks`), ``[]`` when every object was the original, and otherwise
    one sentence per module whose objects were not.
    """
    if graded is None:
        return None
    cells = graded.cells
    for index, cell in enumerate(cells):
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            break
    else:
        return None
    if index + 1 >= len(cells) or not is_check_cell(cells[index + 1]):
        return None
    check = cells[index + 1]
    found = re.search(r"^_course_grading_nonce = '([0-9a-f]+)'$", check.source, re.M)
    text = "".join(out.get("text", "") for out in check.get("outputs", []) if out.get("output_type") == "stream")
    match = found and re.search(rf"^{CHECK_PREFIX} {found.group(1)} (\{{.*\}})$", text, re.M)
    if not match:
        error = next((f"{out.get('ename')}: {out.get('evalue', '')}".strip()[:120]
                      for out in check.get("outputs", []) if out.get("output_type") == "error"), "no answer")
        return [f"the grader's run-time check after this test did not report ({error})"]
    try:
        seen = json.loads(match.group(1))
    except ValueError:
        return ["the grader's run-time check after this test printed something unreadable"]
    if not isinstance(seen, dict):
        return ["the grader's run-time check after this test printed something unreadable"]
    names = [name for name in seen if isinstance(name, str) and _ALLOWED.match(name)]
    wanted = reference(names)
    problems = []
    for name in names:
        got, want = seen[name], wanted.get(name)
        if got is None or want is None:
            continue  # not loaded in the kernel (the tests did not use it)
        if not isinstance(got, dict) or got.get("digest") != want["digest"]:
            problems.append(_difference(name, got, want))
    return problems


def _difference(module: str, got, want) -> str:
    if not isinstance(got, dict) or not isinstance(got.get("names"), dict):
        return f"{module}: its objects are not the originals"
    mine, theirs = got["names"], want.get("names") or {}
    changed = sorted(n for n in mine if n in theirs and mine[n] != theirs[n])
    added = sorted(n for n in mine if n not in theirs)
    removed = sorted(n for n in theirs if n not in mine)
    if module == "IPython shell":
        return "the IPython shell's error display was changed (" + ", ".join(changed + added + removed) + ")"
    parts = [f"{verb} " + ", ".join(f"{module}.{n}" for n in names[:8]) + (" ..." if len(names) > 8 else "")
             for verb, names in (("replaced", changed), ("added", added), ("removed", removed)) if names]
    return "; ".join(parts) or f"{module}: its objects are not the originals"
