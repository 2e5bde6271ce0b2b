"""What a question forbids, checked by reading the learner's function: loops, NumPy, the course's own code.

A question that says "with loops", "one operation, no loop" or "write it yourself" declares
it as a :class:`Rules` record. :func:`check_rules` reads the learner's function from the code
the notebook ran (its syntax tree, found through the function's code object and
:mod:`linecache`, where IPython keeps every cell) and returns a
:class:`~course_lib.feedback.base.Feedback` that names what breaks the rule, kindly:
"this question asks for loops; `np.maximum` does the work for you".

Names are resolved the way Python resolves them when the function runs: its own imports,
its closure, its module's globals, the builtins. So aliases (``import numpy as xp``,
``from numpy import maximum as m``, ``relu = np.maximum``), calls through attributes
(``np.linalg.norm``, ``check.geometry.rotation_matrix``) and anything the course's library
defines (``course_lib.*``, which holds reference answers) are recognised whatever they are
called. The learner's own helper functions are read too. Where a question asks for the work
to be done entry by entry, the function also runs once on watched arrays that note every
NumPy operation applied to a whole array (``x + y``, ``x @ y``, ``x[i] * y[i]``, ``x.sum()``),
so an operator is refused only where it really works on whole arrays, never on numbers.

Code that hides what it calls from a reader (``getattr``, ``eval``, ``importlib``, dunder
attributes) breaks every rule. A function whose code cannot be read (one made with ``exec``)
fails with a message that says how to define it.

Introduced in the assignments (``assignments/release``).
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import linecache
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_lib.feedback import base as checks

REQUIRED = "required"
FORBIDDEN = "forbidden"

#: NumPy names that only build or describe arrays: a question that asks for loops allows them.
ARRAY_BUILDERS = ("zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like",
                  "array", "asarray", "copy", "arange", "shape", "ndim", "size", "result_type", "ndindex",
                  "ndarray", "dtype")

#: Array libraries: where a question restricts NumPy, their functions are refused as well.
ARRAY_LIBRARIES = ("numpy", "tensorflow", "keras", "jax", "torch", "scipy", "cupy", "numba")

#: The packages whose code a question refuses as an answer: the course's library holds reference answers.
COURSE_PACKAGES = ("course_lib",)

_COURSE_DIR = Path(__file__).resolve().parents[1]
_OPAQUE_BUILTINS = ("eval", "exec", "compile", "__import__", "getattr", "setattr", "delattr", "globals", "vars")
_OPAQUE_MODULES = ("importlib", "builtins", "inspect", "gc", "ctypes")
#: Array methods that are plain bookkeeping, not the work: allowed where the work must be done entry by entry.
_BOOKKEEPING_METHODS = {"copy", "astype", "item", "tolist", "reshape", "ravel", "flatten", "fill", "transpose",
                        "squeeze"}
_ARRAY_METHODS = {name for name in dir(np.ndarray)
                  if not name.startswith("_") and callable(getattr(np.ndarray, name))} - _BOOKKEEPING_METHODS
_NUMPY_ARRAY_MAKERS = ("zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like", "full_like",
                       "array", "asarray", "copy")
_RESULT_METHODS = {"copy", "astype", "reshape", "ravel", "flatten", "view", "transpose"}
_WHOLE_BUILTINS = {"abs", "sum", "max", "min", "round", "pow", "divmod", "sorted"}
_LOOP_NAMES = {ast.For: "a `for` loop", ast.AsyncFor: "a `for` loop", ast.While: "a `while` loop",
               ast.ListComp: "a list comprehension", ast.SetComp: "a set comprehension",
               ast.DictComp: "a dict comprehension", ast.GeneratorExp: "a generator expression"}
_LOOP_FUNCTIONS = {"map": "`map`", "filter": "`filter`"}
_SYMBOLS = {"add": "`+`", "subtract": "`-`", "multiply": "`*`", "divide": "`/`", "true_divide": "`/`",
            "floor_divide": "`//`", "matmul": "`@`", "power": "`**`", "negative": "unary `-`",
            "absolute": "`abs`", "greater": "`>`", "greater_equal": "`>=`", "less": "`<`", "less_equal": "`<=`",
            "equal": "`==`", "not_equal": "`!=`", "remainder": "`%`"}
_MAX_HELPERS = 20


@dataclass(frozen=True)
class Rules:
    """What a question forbids in the function that answers it.

    Attributes:
        asks: what the question asks for, as the message says it ("this question asks for loops").
        loops: :data:`REQUIRED` (the work is done by loops), :data:`FORBIDDEN` (one operation,
            no loop) or None (either).
        numpy: None allows all of NumPy; a tuple allows only those NumPy names (then the other
            array libraries are refused too). ``()`` refuses NumPy altogether.
        forbidden: dotted names refused even where NumPy is allowed (``"numpy.broadcast_shapes"``).
        entrywise: the work must be done entry by entry: operators and array methods on whole
            arrays are refused (read from the code, and seen on watched arrays when a probe is given).
        own_work: the course's library (:data:`COURSE_PACKAGES`) may not stand in for the answer.
        uses: the learner's answers to other questions that this one may call (``rotation_matrix``
            in ``rotate_points``): they are judged by their own questions, not again here.
    """

    asks: str = "this question asks you to write it yourself"
    loops: str | None = None
    numpy: tuple[str, ...] | None = None
    forbidden: tuple[str, ...] = ()
    entrywise: bool = False
    own_work: bool = True
    uses: tuple[str, ...] = ()


#: Write the answer yourself: nothing else is refused.
OWN_WORK = Rules()
#: Entry by entry with loops; NumPy only to build the result.
LOOPS = Rules("this question asks for loops", loops=REQUIRED, numpy=ARRAY_BUILDERS, entrywise=True)
#: One operation on the whole array: no loop.
NO_LOOPS = Rules("this question asks for one operation on all the rows at once, without a loop", loops=FORBIDDEN)


@dataclass(frozen=True)
class _Breach:
    rank: int  # 0 the course's code, 1 hidden code, 2 refused call, 3 whole-array work, 4 loops
    line: int
    problem: str


def check_rules(function, rules: Rules, probe: tuple | None = None, *, hint: str = "") -> checks.Feedback:
    """Check that ``function`` keeps ``rules``; ``probe`` is an argument tuple to run it on, watched.

    Returns a passing Feedback, a "Not yet" naming the first thing that breaks a rule, or a
    "Not read" when the function's code cannot be read.
    """
    breaches = _Reader(rules, function).breaches()
    if breaches is None:
        return checks.unreadable(
            "could not read your function's code, so this question's rules cannot be checked. Define it with "
            "`def` in a code cell of this notebook (not with `exec`, nor as a copy of another object) and run "
            "that cell again.", hint)
    if not breaches and rules.entrywise and probe is not None:
        breaches = _watch(function, probe, rules)
    if breaches:
        first = min(breaches, key=lambda b: (b.rank, b.line))
        return checks.not_yet(first.problem, hint)
    return checks.correct()


def with_rules(outcome: checks.Feedback, function, rules: Rules, probe: tuple | None = None, *,
               hint: str = "") -> checks.Feedback:
    """Add the rules to a behaviour check: a function that works is then read for what it uses.

    A failing ``outcome`` (wrong, unanswered, not written) is returned as it is: the learner
    first makes the function work, then hears about the rules.
    """
    if not outcome:
        return outcome
    ruled = check_rules(function, rules, probe, hint=hint)
    if ruled or ruled.heading != checks.NOT_YET:
        return outcome if ruled else ruled
    return checks.Feedback(False, f"your answer gives the right results, but {ruled.problem}", ruled.hint,
                           heading=ruled.heading)


# --- reading the code ---------------------------------------------------------------------


def _home(obj) -> str | None:
    """The dotted module an object comes from (a module's own name), or None for plain values."""
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    if isinstance(obj, np.ufunc):
        return "numpy"
    if isinstance(obj, functools.partial):
        return _home(obj.func)
    if isinstance(obj, types.MethodType):
        return _home(obj.__func__)
    if isinstance(getattr(obj, "__objclass__", None), type):  # a method of a class written in C: ndarray.sum
        return _home(obj.__objclass__)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, type)):
        module = getattr(obj, "__module__", None)
        return module if isinstance(module, str) else None
    if callable(obj):
        module = getattr(type(obj), "__module__", None)
        return module if isinstance(module, str) else None
    return None


def _in(home: str | None, packages) -> bool:
    return home is not None and any(home == p or home.startswith(p + ".") for p in packages)


def _is_course_code(obj) -> bool:
    """True for the course library's objects, and for functions made from its code."""
    if _in(_home(obj), COURSE_PACKAGES):
        return True
    code = getattr(getattr(obj, "__func__", obj), "__code__", None)
    if isinstance(code, types.CodeType):
        try:
            return _COURSE_DIR in Path(code.co_filename).resolve().parents
        except (OSError, ValueError):
            return False
    return False


def _public_name(obj) -> str:
    """How a learner would write the object: ``np.maximum``, ``course_lib.geometry.rotation_matrix``."""
    name = getattr(obj, "__name__", None) or type(obj).__name__
    if _in(_home(obj), ("numpy",)) and getattr(np, str(name), None) is obj:
        return f"np.{name}"
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    qualname = getattr(obj, "__qualname__", name)
    return f"{_home(obj)}.{qualname}" if _home(obj) else str(qualname)


def _resolve_dotted(name: str):
    module, _, attribute = name.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):
        return None


def _import_module(name: str):
    """A module an import statement names, if it is loaded already (or is NumPy or the course's)."""
    if name in sys.modules:
        return sys.modules[name]
    if _in(name, ("numpy",) + COURSE_PACKAGES):
        try:
            return importlib.import_module(name)
        except ImportError:
            return None
    return None


def _find_node(function):
    """The syntax tree of a Python function (``def`` or ``lambda``), from the code that ran; None if unreadable."""
    code = getattr(function, "__code__", None)
    if not isinstance(code, types.CodeType):
        return None
    lines = linecache.getlines(code.co_filename, getattr(function, "__globals__", None))
    if not lines:
        return None
    try:
        tree = ast.parse("".join(lines))
    except (SyntaxError, ValueError):
        return None
    kinds = (ast.Lambda,) if code.co_name == "<lambda>" else (ast.FunctionDef, ast.AsyncFunctionDef)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, kinds):
            continue
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        if first == code.co_firstlineno and getattr(node, "name", "<lambda>") == code.co_name:
            found.append(node)
    if len(found) > 1 and kinds == (ast.Lambda,):
        spans = [p for p in code.co_positions() if None not in p and (p[0], p[2]) != (p[1], p[3])]
        found = [node for node in found if all(_inside(node, p) for p in spans)]
        found.sort(key=lambda n: (n.end_lineno - n.lineno, n.end_col_offset - n.col_offset))
        found = found[:1]
    return found[0] if len(found) == 1 else None


def _inside(node, position) -> bool:
    line, end_line, col, end_col = position
    return (node.lineno, node.col_offset) <= (line, col) and (end_line, end_col) <= (node.end_lineno,
                                                                                      node.end_col_offset)


def _local_names(node) -> set[str]:
    """Every name the function binds itself: parameters, assignments, loop targets, imports, inner defs."""
    names = set()
    for child in ast.walk(node):
        if isinstance(child, ast.arg):
            names.add(child.arg)
        elif isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
            names.add(child.id)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and child is not node:
            names.add(child.name)
        elif isinstance(child, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name.split(".")[0]) for a in child.names}
        elif isinstance(child, ast.ExceptHandler) and child.name:
            names.add(child.name)
    return names


def _chain(node):
    """``a.b.c`` as ("a", ["b", "c"]); None when the chain does not start with a name."""
    attributes = []
    while isinstance(node, ast.Attribute):
        attributes.append(node.attr)
        node = node.value
    return (node.id, attributes[::-1]) if isinstance(node, ast.Name) else None


class _Reader:
    """Reads a function and the learner's helpers it uses, collecting what breaks the rules."""

    def __init__(self, rules: Rules, function):
        self.rules = rules
        self.function = function
        self.found: list[_Breach] = []
        self.loops: list[tuple[int, str]] = []
        allowed = rules.numpy or ()
        self.numpy_allowed = [getattr(np, name) for name in allowed if hasattr(np, name)]
        self.forbidden = [obj for obj in map(_resolve_dotted, rules.forbidden) if obj is not None]
        self.module = getattr(function, "__module__", None)

    # the whole read --------------------------------------------------------------------------

    def breaches(self) -> list[_Breach] | None:
        function = self.function
        self.judge(function, getattr(function, "__name__", "your function"), 0, itself=True)
        if self.found:
            return self.found
        while isinstance(function, functools.partial):
            for value in list(function.args) + list(function.keywords.values()):
                self.judge(value, "an argument of functools.partial", 0)
            function = function.func
        if isinstance(function, types.MethodType):
            function = function.__func__
        if not isinstance(function, types.FunctionType):
            return None
        node = _find_node(function)
        if node is None:
            return None
        queue, seen = [(function, node, True)], {function.__code__}
        while queue and len(seen) <= _MAX_HELPERS:
            current, current_node, main = queue.pop(0)
            for helper in self.read(current, current_node, main):
                helper_node = _find_node(helper)
                if helper.__code__ not in seen and helper_node is not None:
                    seen.add(helper.__code__)
                    queue.append((helper, helper_node, False))
        if self.rules.loops == REQUIRED and not self.loops:
            self.add(4, 0, f"{self.rules.asks}; your function has no loop: go through the entries with `for` loops.")
        if self.rules.loops == FORBIDDEN and self.loops:
            line, kind = min(self.loops)
            self.add(4, line, f"{self.rules.asks}; your code uses {kind}: do it with one operation on the "
                              "whole array instead.")
        return self.found

    def add(self, rank: int, line: int, problem: str) -> None:
        self.found.append(_Breach(rank, line, problem))

    # one function --------------------------------------------------------------------------

    def read(self, function, node, main: bool) -> list:
        """Read one function's tree; return the learner's helper functions it refers to."""
        local = _local_names(node)
        imported = self.imports(node)
        closure = {}
        for name, cell in zip(function.__code__.co_freevars, function.__closure__ or ()):
            try:
                closure[name] = cell.cell_contents
            except ValueError:  # an empty cell: the name is not bound yet
                pass
        scope = _Scope(local, imported, closure, function.__globals__, self.rules.uses)
        helpers = []
        inner = set()  # attribute nodes inside a chain already judged as a whole
        for child in ast.walk(node):
            line = getattr(child, "lineno", 0)
            if type(child) in _LOOP_NAMES:
                self.loops.append((line, _LOOP_NAMES[type(child)]))
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                self.read_import(child, line)
            elif isinstance(child, ast.Attribute) and child not in inner:
                value = child.value
                while isinstance(value, ast.Attribute):
                    inner.add(value)
                    value = value.value
                inner.add(value)
                helpers += self.read_chain(child, scope, line)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load) and child not in inner:
                found, obj = scope.lookup(child.id)
                if found:
                    helpers += self.judge(obj, child.id, line)
        if self.rules.entrywise and main:
            self.read_operators(node, scope)
        return helpers

    def imports(self, node) -> dict:
        """The objects the function's own import statements bind, where they can be known."""
        bound = {}
        for child in ast.walk(node):
            if isinstance(child, ast.Import):
                for alias in child.names:
                    name = alias.name if alias.asname else alias.name.split(".")[0]
                    module = _import_module(name)
                    if module is not None:
                        bound[alias.asname or name] = module
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                module = _import_module(child.module)
                for alias in child.names:
                    obj = getattr(module, alias.name, None) if module is not None else None
                    if obj is None:
                        obj = _import_module(f"{child.module}.{alias.name}")
                    if obj is not None:
                        bound[alias.asname or alias.name] = obj
        return bound

    def read_import(self, node, line: int) -> None:
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        if self.rules.own_work and any(_in(m, COURSE_PACKAGES) for m in modules):
            self.add(0, line, f"`{_short(node)}` brings in the course's own code, which holds the answers; "
                              "this question asks you to write it yourself.")
        elif any(_in(m, _OPAQUE_MODULES) for m in modules):
            self.add(1, line, _hidden(_short(node)))
        elif self.rules.numpy is not None and any(_in(m, ARRAY_LIBRARIES) and not _in(m, ("numpy",))
                                                  for m in modules):
            self.add(2, line, f"{self.rules.asks}; `{_short(node)}` brings in a library that does the work for you.")

    def read_chain(self, node, scope, line: int) -> list:
        """Judge ``a.b.c`` step by step, as far as it can be resolved without running anything."""
        if node.attr.startswith("__") and node.attr.endswith("__"):
            self.add(1, line, _hidden(_short(node)))
            return []
        parts = _chain(node)
        if parts is None:
            return self.read_method(node, line)
        root, attributes = parts
        found, obj = scope.lookup(root)
        if not found:
            return self.read_method(node, line)
        written = root
        for attribute in attributes:  # judged once, at the deepest object it resolves to
            if attribute.startswith("__") and attribute.endswith("__"):
                self.add(1, line, _hidden(f"{written}.{attribute}"))
                return []
            if not isinstance(obj, (types.ModuleType, type)):
                return self.judge(obj, written, line) + self.read_method(node, line)
            try:
                deeper = getattr(obj, attribute)
            except Exception:  # noqa: BLE001 - an attribute that does not exist (or fails) is the learner's to see
                return self.judge(obj, written, line)
            written = f"{written}.{attribute}"
            if deeper is sys.modules or deeper is getattr(sys, "_getframe", None):
                self.add(1, line, _hidden(written))
                return []
            obj = deeper
        return self.judge(obj, written, line)

    def read_method(self, node, line: int) -> list:
        if self.rules.entrywise and node.attr in _ARRAY_METHODS:
            self.add(3, line, f"{self.rules.asks}; `{_short(node)}` works on a whole array and does the work for "
                              "you: work on single entries such as `x[i, j]`.")
        return []

    def judge(self, obj, written: str, line: int, *, itself: bool = False) -> list:
        """Refuse ``obj`` if the rules forbid it; return it as a helper to read if it is the learner's own."""
        if isinstance(obj, functools.partial):
            return self.judge(obj.func, written, line, itself=itself)
        rules = self.rules
        try:
            opaque = any(obj is getattr(builtins, name) for name in _OPAQUE_BUILTINS)
        except Exception:  # noqa: BLE001 - an object whose comparison misbehaves is not one of these
            opaque = False
        home = _home(obj)
        what = "your function is" if itself else f"`{written}` is"
        if opaque or (isinstance(obj, types.ModuleType) and _in(home, _OPAQUE_MODULES)):
            self.add(1, line, _hidden(written))
        elif rules.own_work and _is_course_code(obj):
            own = "library" if isinstance(obj, types.ModuleType) else "code"
            self.add(0, line, f"{what} the course's own {own} (`{_public_name(obj)}`), which holds the answers; "
                              "this question asks you to write it yourself.")
        elif any(obj is refused for refused in self.forbidden) or self.refused_library(obj, home):
            alias = "" if _public_name(obj) == written or itself else f" (that is `{_public_name(obj)}`)"
            self.add(2, line, f"{rules.asks}; `{written}`{alias} does the work for you."
                     if not itself else f"{rules.asks}; your function is `{_public_name(obj)}` itself.")
        elif (not itself and isinstance(obj, types.FunctionType) and obj.__module__ == self.module
              and obj is not self.function):
            return [obj]
        elif rules.loops == FORBIDDEN and obj in (map, filter) and not itself:
            self.loops.append((line, _LOOP_FUNCTIONS[obj.__name__]))
        return []

    def refused_library(self, obj, home) -> bool:
        if self.rules.numpy is None or not _in(home, ARRAY_LIBRARIES) or isinstance(obj, types.ModuleType):
            return False
        if _in(home, ("numpy",)):
            if any(obj is allowed for allowed in self.numpy_allowed):
                return False
            if isinstance(obj, type) and issubclass(obj, np.generic) and self.rules.numpy:
                return False  # np.float64(0) builds a number
        return True

    # whole-array operators ---------------------------------------------------------------------

    def read_operators(self, node, scope) -> None:
        """Refuse operators applied to whole arrays: the parameters and what is made from them."""
        arrays = {a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs}
        is_array = functools.partial(self.is_array, arrays=arrays, scope=scope)
        changed = True
        while changed:  # names assigned arrays, until nothing new is learned
            changed = False
            for child in ast.walk(node):
                targets, value = [], None
                if isinstance(child, ast.Assign):
                    targets, value = child.targets, child.value
                elif isinstance(child, (ast.AnnAssign, ast.NamedExpr)) and child.value is not None:
                    targets, value = [child.target], child.value
                pairs = [(target, value) for target in targets]
                for target, value in pairs:
                    if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and \
                            len(target.elts) == len(value.elts):
                        pairs += list(zip(target.elts, value.elts))  # a, b = x, y
                    elif isinstance(target, ast.Name) and target.id not in arrays and is_array(value):
                        arrays.add(target.id)
                        changed = True
        for child in ast.walk(node):
            operands = []
            if isinstance(child, ast.BinOp):
                operands = [child.left, child.right]
            elif isinstance(child, ast.UnaryOp) and not isinstance(child.op, ast.Not):
                operands = [child.operand]
            elif isinstance(child, ast.Compare) and not all(isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn))
                                                            for op in child.ops):
                operands = [child.left, *child.comparators]
            elif isinstance(child, ast.AugAssign):
                operands = [child.target]
            elif isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and \
                    child.func.id in _WHOLE_BUILTINS and scope.lookup(child.func.id)[0]:
                operands = list(child.args)
            if any(is_array(operand) for operand in operands):
                self.add(3, child.lineno, f"{self.rules.asks}; `{_short(child)}` works on whole arrays and does "
                                          "the work for you: work on single entries such as `x[i, j]`.")

    def is_array(self, node, *, arrays, scope) -> bool:
        """Whether an expression is a whole array (never a subscript: ``x[i, j]`` counts as a number)."""
        recurse = functools.partial(self.is_array, arrays=arrays, scope=scope)
        if isinstance(node, ast.Name):
            return node.id in arrays
        if isinstance(node, ast.Attribute):
            return node.attr == "T" and recurse(node.value)
        if isinstance(node, ast.BinOp):
            return recurse(node.left) or recurse(node.right)
        if isinstance(node, ast.UnaryOp):
            return not isinstance(node.op, ast.Not) and recurse(node.operand)
        if isinstance(node, ast.IfExp):
            return recurse(node.body) or recurse(node.orelse)
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in _RESULT_METHODS and recurse(func.value):
                return True
            parts = _chain(func)
            if parts is not None:
                found, obj = scope.lookup(parts[0])
                for attribute in parts[1]:
                    if not found or not isinstance(obj, types.ModuleType):
                        return False
                    obj = getattr(obj, attribute, None)
                return found and any(obj is getattr(np, name) for name in _NUMPY_ARRAY_MAKERS)
        return False


class _Scope:
    """Where a name in the function is bound: its own imports, its body, its closure, its globals, builtins."""

    def __init__(self, local: set[str], imported: dict, closure: dict, globals_: dict, others: tuple = ()):
        self.local, self.imported, self.closure, self.globals = local, imported, closure, globals_
        self.others = others  # other answers, judged by their own questions: not looked up here
        namespace = globals_.get("__builtins__", builtins)
        self.builtins = namespace if isinstance(namespace, dict) else vars(namespace)

    def lookup(self, name: str) -> tuple[bool, object]:
        if name in self.imported:
            return True, self.imported[name]
        if name in self.local or (name in self.others and name not in self.closure):
            return False, None
        for namespace in (self.closure, self.globals, self.builtins):
            if name in namespace:
                return True, namespace[name]
        return False, None


def _short(node, limit: int = 50) -> str:
    text = ast.unparse(node)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _hidden(written: str) -> str:
    return (f"`{written}` hides from a reader what your code does, and this question's rules are checked by "
            "reading your code: call functions by their names instead.")


# --- watching a run ------------------------------------------------------------------------


class _Watched(np.ndarray):
    """An array that notes every NumPy operation applied to it (or to a slice of it) as a whole."""

    log: list | None = None
    #: How deep inside a NumPy function the run is: what NumPy does inside an allowed function is not noted.
    depth = 0

    def __array_finalize__(self, obj):
        self.log = getattr(obj, "log", None)

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        everything = inputs + (out or ())
        log = next((a.log for a in everything if isinstance(a, _Watched) and a.log is not None), None)
        if log is not None and _Watched.depth == 0 and any(isinstance(a, _Watched) and a.ndim > 0
                                                           for a in everything):
            log.append((ufunc.__name__, method))
        plain = tuple(a.view(np.ndarray) if isinstance(a, _Watched) else a for a in inputs)
        if out is not None:
            kwargs["out"] = tuple(o.view(np.ndarray) if isinstance(o, _Watched) else o for o in out)
        result = getattr(ufunc, method)(*plain, **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _rewatch(result, log)

    def __array_function__(self, func, types_, args, kwargs):
        if self.log is not None and _Watched.depth == 0 and \
                not any(func is getattr(np, name, None) for name in ARRAY_BUILDERS):
            self.log.append((func.__name__, "function"))
        _Watched.depth += 1
        try:
            return super().__array_function__(func, types_, args, kwargs)
        finally:
            _Watched.depth -= 1


def _rewatch(result, log):
    if isinstance(result, tuple):
        return tuple(_rewatch(r, log) for r in result)
    if isinstance(result, np.ndarray) and result.ndim > 0:
        watched = result.view(_Watched)
        watched.log = log
        return watched
    return result


def _watch(function, probe: tuple, rules: Rules) -> list[_Breach]:
    """Run ``function`` once on watched copies of the probe's arrays; what it did to whole arrays breaks the rule."""
    log: list = []
    args = []
    for value in probe:
        if isinstance(value, np.ndarray):
            value = value.copy().view(_Watched)
            value.log = log
        args.append(value)
    try:
        function(*args)
    except Exception:  # noqa: BLE001, S110 - the behaviour check reports errors; this run only watches
        pass
    if not log:
        return []
    name, method = log[0]
    symbol = _SYMBOLS.get(name, f"`np.{name}`")
    if method in ("reduce", "accumulate", "reduceat", "outer"):
        symbol = f"`np.{name}.{method}` (as in `.sum()`, `.max()` or `.cumsum()`)"
    return [_Breach(3, 0, f"{rules.asks}; {symbol} on whole arrays (or whole rows) does the work for you: work on "
                          "single entries such as `x[i, j]`.")]
