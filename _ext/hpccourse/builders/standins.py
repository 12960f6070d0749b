"""Stand-ins for what a course needs and this machine lacks: ``hpccourse check`` runs unedited.

A course names extensions (``extensions = [...]``) and its ``conf.py`` may import
modules; on the machine that checks it some are missing. As Sphinx's
``autodoc_mock_imports`` does for the modules a documented package imports
(:func:`sphinx.ext.autodoc.mock.mock`), the check goes on with stand-ins and says so:

- a module ``conf.py`` imports and cannot: a mock module (any attribute, any call);
  sphinx-lesson gets a real one, whose ``directives._BaseCRDirective`` is the lesson box
  base that names a directive after its class (:class:`~hpccourse.directives.lesson.NamedByClass`),
  so a course's own lesson boxes still register;
- an extension that cannot be imported: :func:`accept_unknown` makes every directive and
  role no loaded extension defines a stand-in that records its name, so the report can
  list them, and keeps its content when that is the page's markup (the console blocks
  inside are read and checked), not the extension's own language (a diagram, code);
- ``conf.py``'s own ``setup()`` failing (on a mock, say) is reported, not fatal;
- a directive whose code raises (another extension's directive of the same name, one made
  for another Sphinx): :func:`tolerant_directives` reads its content as a stand-in does,
  and records it, instead of ending the build.
"""

from __future__ import annotations

import contextlib
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import DirectiveError, directives, roles
from docutils.parsers.rst.directives.misc import Include
from docutils.utils import SystemMessage, SystemMessagePropagation
from sphinx.ext.autodoc.mock import mock
from sphinx.util.docutils import SphinxDirective

from ..directives.lesson import NamedByClass

#: Lines that show a directive's content is the page's own markup: a directive, a
#: literal block's ``::``, a MyST fence, a doctest block's ``>>> `` (examples a
#: try-it-in-the-browser directive wraps).
_MARKUP = re.compile(r"^\s*(?:\.\. \S|```|~~~|:::|>>> )|::\s*$")

#: Modules that get a working stand-in instead of a mock, by top-level name.
REAL_STANDINS = ("sphinx_lesson",)


@dataclass
class Standins:
    """What was stood in during one check: mocked modules, unknown directives and roles."""

    modules: list[str] = field(default_factory=list)
    directives: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    setup_error: str = ""
    #: the course's own event handlers (connected in conf.py's setup) that failed or ran
    #: past their time here: "event handler: why", each once
    handlers: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # extension -> why its setup failed
    crashed: dict[str, str] = field(default_factory=dict)  # directive -> first place, why
    #: objects of stand-in modules autodoc was asked to document (their content read)
    autodoc: set[str] = field(default_factory=set)
    #: autodoc directives that ran past :data:`DIRECTIVE_SECONDS` (a loop on a stand-in)
    timed_out: int = 0


class StandinDirective(SphinxDirective):
    """Any directive of an extension that is not installed: its content is read as the
    page's own text, so the console blocks inside are checked; options and arguments are
    accepted and ignored."""

    has_content = True
    optional_arguments = 100
    final_argument_whitespace = True
    option_spec: ClassVar[Any] = None  # docutils: None accepts no options; see below

    def run(self) -> list[nodes.Node]:
        node = nodes.container(classes=["hpc-standin"])
        self.set_source_info(node)
        if any(_MARKUP.search(line) for line in self.content):
            node += self.parse_content_to_nodes()
        # else: the content is the extension's own language (a diagram, code to run):
        # read as text it would only give false paragraphs and warnings
        return [node]


def _read_as_markup(directive: Any) -> list[nodes.Node]:
    """A directive's content read as the page's own markup, when it is markup."""
    node = nodes.container(classes=["hpc-standin"])
    node.source, node.line = directive.state_machine.get_source_and_line(directive.lineno)
    if any(_MARKUP.search(line) for line in directive.content):
        directive.state.nested_parse(directive.content, directive.content_offset, node)
    return [node]


class _AnyOptions(dict):  # type: ignore[type-arg]
    """An option spec that accepts every option, unchanged."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> Callable[[str | None], str | None]:
        return lambda value: value

    def get(self, key: str, default: Any = None) -> Any:
        return self[key]


StandinDirective.option_spec = _AnyOptions()


def standin_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: dict[str, Any] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """Any role of an extension that is not installed: its text, as literal text."""
    return [nodes.literal(rawtext, text)], []


class MarkdownInclude(Include):
    """``mdinclude`` (m2r, m2r2, sphinx-mdinclude) when none of them loads here: the
    Markdown file is included and read with myst-parser, as docutils' ``include`` does
    with a ``:parser:``, so its blocks are checked at their own lines."""

    name = "mdinclude"

    def run(self) -> list[nodes.Node]:
        self.options["parser"] = _myst_parser()
        found = super().run()
        # docutils parses the file into a document of its own: its nodes belong to this
        # page's now (a handler walking a section up to its document would fall off)
        for node in found:
            for each in node.findall(nodes.Node):
                each.document = self.state.document
        return found


def _myst_parser() -> type | None:
    """myst-parser's Sphinx parser, None when it is not installed."""
    try:
        from myst_parser.parsers.sphinx_ import MystParser
    except ImportError:
        return None
    return MystParser


@contextlib.contextmanager
def accept_unknown(record: Standins) -> Iterator[None]:
    """While active, a directive or role docutils and Sphinx do not know is a stand-in
    (its name recorded) instead of an error."""
    find_directive, find_role = directives.directive, roles.role

    def directive(name: str, language: ModuleType, document: nodes.document) -> Any:
        found, messages = find_directive(name, language, document)
        if found is None and name.lower() == MarkdownInclude.name and _myst_parser():
            return MarkdownInclude, []
        if found is None:
            record.directives.add(name.lower())
            return StandinDirective, []
        return found, messages

    def role(name: str, language: ModuleType, lineno: int, reporter: Any) -> Any:
        found, messages = find_role(name, language, lineno, reporter)
        if found is None and name:
            record.roles.add(name.lower())
            return standin_role, []
        return found, messages

    directives.directive, roles.role = directive, role  # type: ignore[assignment]
    try:
        yield
    finally:
        directives.directive, roles.role = find_directive, find_role


#: What a directive raises on purpose: docutils turns it into a located error.
_DOCUTILS_ERRORS = (DirectiveError, SystemMessage, SystemMessagePropagation)


def _guarded(found: type, name: str, record: Standins) -> type:
    """``found``, whose ``run()`` failing reads its content as a stand-in does and records
    where, instead of ending the build."""

    def run(self: Any) -> list[nodes.Node]:
        target = _stand_in_object(self, name, record.modules)
        if target:  # autodoc on a mock walks attributes that never end (wrapped mocks)
            record.autodoc.add(target)
            return _read_as_markup(self)
        introspects = name.startswith(_INTROSPECTING)
        if introspects and record.timed_out >= MOST_TIMED_OUT:
            why = f"not run, after {MOST_TIMED_OUT} ran past {DIRECTIVE_SECONDS} s"
            record.crashed.setdefault(name, f"{_where(self)}: {why}")
            return _read_as_markup(self)  # the same loop again: not waited for
        try:
            if not introspects:
                return found.run(self)  # type: ignore[no-any-return]
            # autodoc reaching a stand-in through the course's own module (a class made
            # by a mocked decorator) walks attributes that never end: not for ever
            with time_limit(DIRECTIVE_SECONDS, LOOPING):
                return found.run(self)  # type: ignore[no-any-return]
        except _DOCUTILS_ERRORS:
            raise
        except HandlerTimeout as error:
            record.timed_out += 1
            record.crashed.setdefault(name, f"{_where(self)}: {error}")
            return _read_as_markup(self)
        except Exception as error:  # any failure of an extension's own code
            source, line = self.state_machine.get_source_and_line(self.lineno)
            why = f"{type(error).__name__}: {error}".splitlines()[0][:160]
            record.crashed.setdefault(name, f"{source}:{line}: {why}")
            return _read_as_markup(self)

    try:
        return type(found.__name__, (found,), {"run": run})
    except Exception:  # a class that cannot be subclassed stays as it is
        return found


#: Directives that import and walk the course's objects (autodoc's, autosummary).
_INTROSPECTING = ("auto",)
#: How long one of them may take here, and after how many that ran past it the rest are
#: read as text at once (each would wait as long again).
DIRECTIVE_SECONDS = 15
MOST_TIMED_OUT = 2


def _where(directive: Any) -> str:
    source, line = directive.state_machine.get_source_and_line(directive.lineno)
    return f"{source}:{line}"


def _stand_in_object(directive: Any, name: str, mocked: list[str]) -> str:
    """The object an ``auto*`` directive documents when it lies in a stand-in module
    (``nbgrader.apps.App``, or ``App`` under ``currentmodule:: nbgrader.apps``), else
    "": autodoc would document a mock, and ``inspect.unwrap`` on it makes a new mock
    class per step, a build that never ends."""
    if not name.startswith("auto") or not directive.arguments or not mocked:
        return ""
    target = str(directive.arguments[0]).split("(")[0].strip()
    env = getattr(directive, "env", None)  # a docutils directive named auto* has none
    module = (env.ref_context.get("py:module") if env is not None else None) or ""
    for full in (target, f"{module}.{target}" if module else ""):
        if full and full.split(".")[0] in mocked:
            return full
    return ""


def _guarded_role(found: Any, name: str, record: Standins) -> Any:
    """``found``, a role function, whose failure gives its text as literal text (as a
    stand-in role does) and is recorded where, instead of ending the build (sphinx's
    extlinks given a caption without ``%s`` by an older ``conf.py``)."""

    def role(
        role_name: str,
        rawtext: str,
        text: str,
        lineno: int,
        inliner: Any,
        options: dict[str, Any] | None = None,
        content: list[str] | None = None,
    ) -> Any:
        try:
            return found(role_name, rawtext, text, lineno, inliner, options or {}, content or [])
        except _DOCUTILS_ERRORS:
            raise
        except Exception as error:  # any failure of an extension's own code
            source, line = inliner.reporter.get_source_and_line(lineno)
            why = f"{type(error).__name__}: {error}".splitlines()[0][:160]
            record.crashed.setdefault(f":{name}:", f"{source}:{line}: {why}")
            return standin_role(role_name, rawtext, text, lineno, inliner)

    return role


@contextlib.contextmanager
def tolerant_directives(record: Standins) -> Iterator[None]:
    """While active, a directive or role whose code raises is read as a stand-in and
    recorded."""
    find_directive, find_role = directives.directive, roles.role
    made: dict[tuple[str, Any], Any] = {}

    def directive(name: str, language: ModuleType, document: nodes.document) -> Any:
        found, messages = find_directive(name, language, document)
        if isinstance(found, type) and found is not StandinDirective:
            key = (name.lower(), found)
            if key not in made:
                made[key] = _guarded(found, name.lower(), record)
            return made[key], messages
        return found, messages

    def role(name: str, language: ModuleType, lineno: int, reporter: Any) -> Any:
        found, messages = find_role(name, language, lineno, reporter)
        if callable(found) and found is not standin_role:
            key = (f":{name.lower()}:", found)
            if key not in made:
                made[key] = _guarded_role(found, name.lower(), record)
            return made[key], messages
        return found, messages

    directives.directive, roles.role = directive, role  # type: ignore[assignment]
    try:
        yield
    finally:
        directives.directive, roles.role = find_directive, find_role


def _sphinx_lesson() -> dict[str, ModuleType]:
    """A working ``sphinx_lesson`` whose directives hpccourse provides (nothing to set up)."""
    package = ModuleType("sphinx_lesson")
    package.__path__ = []
    package.__dict__["setup"] = lambda app: {"parallel_read_safe": True}
    package.__dict__["__version__"] = "0 (stand-in: hpccourse provides the directives)"
    lesson = ModuleType("sphinx_lesson.directives")
    lesson.__dict__["_BaseCRDirective"] = NamedByClass
    lesson.__dict__["setup"] = package.__dict__["setup"]
    package.__dict__["directives"] = lesson
    return {"sphinx_lesson": package, "sphinx_lesson.directives": lesson}


@contextlib.contextmanager
def stand_in_modules(names: list[str]) -> Iterator[None]:
    """While active, importing one of ``names`` (top-level modules) gives a stand-in."""
    real = {
        name: module
        for top in names
        if top in REAL_STANDINS
        for name, module in _sphinx_lesson().items()
    }
    saved = {name: sys.modules.get(name) for name in real}
    sys.modules.update(real)
    try:
        with mock([name for name in names if name not in REAL_STANDINS]):
            yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


#: What a course's module or ``conf.py`` line that never ends likely does.
LOOPING = "a loop on a stand-in module?"
#: How long one of the course's own event handlers may run here: a handler that fetches
#: a list from the network (tempest's plugin registry) waits for ever on a machine
#: without one. Past that it is stopped, said, and the check goes on.
HANDLER_SECONDS = 60


class HandlerTimeout(Exception):
    """The course's own code ran past its time limit here: an event handler
    (:data:`HANDLER_SECONDS`), a line of ``conf.py``, an import of its package."""


@contextlib.contextmanager
def time_limit(seconds: float, hint: str = "waiting on the network?") -> Iterator[None]:
    """Raise :class:`HandlerTimeout` in the block after ``seconds`` (a SIGALRM timer; only
    in the main thread, where signals arrive: elsewhere no limit), its message ending
    with ``hint``, the likely cause. Inside another limit (a handler importing the
    course's module) the sooner end holds, and the outer limit's timer goes on after
    the block."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    outer = signal.getitimer(signal.ITIMER_REAL)[0]
    started = time.monotonic()
    limit = min(seconds, outer) if outer else seconds

    def stop(signum: int, frame: Any) -> None:
        if outer and outer <= seconds and callable(previous):
            previous(signum, frame)  # the outer limit's end: said as the outer's
        raise HandlerTimeout(f"ran past {limit:g} s ({hint})")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # the outer limit's time left, at least a moment: it ends soon after
            left = outer - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def _guarded_handler(
    event: str, callback: Callable[..., Any], record: Standins, owner: str = "conf.py"
) -> Callable[..., Any]:
    """The course's handler of ``event`` (``owner``: conf.py, or an extension), stopped
    past its time and its failure said (the event's default answer, None, given instead)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            with time_limit(HANDLER_SECONDS):
                return callback(*args, **kwargs)
        except Exception as error:  # any failure of the course's own code
            name = getattr(callback, "__name__", repr(callback))
            why = f"{type(error).__name__}: {error}".splitlines()[0][:200]
            record.handlers.setdefault(f"{owner}'s {event} handler {name}", why)
            return None

    return call


def guarded_setup(setup: Callable[[Any], Any], record: Standins) -> Callable[[Any], Any]:
    """``conf.py``'s ``setup(app)``, reporting a failure instead of stopping the check;
    the handlers it connects are guarded too (:func:`_guarded_handler`)."""

    def run(app: Any) -> Any:
        connect = app.connect

        def guarded_connect(event: str, callback: Callable[..., Any], priority: int = 500) -> Any:
            return connect(event, _guarded_handler(event, callback, record), priority)

        def transform(add: Callable[..., Any], kind: str) -> Callable[..., Any]:
            def guarded(cls: Any, *args: Any, **kwargs: Any) -> Any:
                if not isinstance(getattr(cls, "default_priority", None), int):
                    # a stand-in's class (recommonmark's AutoStructify, mocked): Sphinx
                    # sorts transforms by priority, and a mock's stops the whole build
                    name = getattr(cls, "__name__", str(cls))
                    record.handlers[f"conf.py's {kind} {name}"] = "a stand-in here"
                    return None
                return add(cls, *args, **kwargs)

            return guarded

        app.connect = guarded_connect
        adds = {"add_transform": "transform", "add_post_transform": "post-transform"}
        adds = {name: kind for name, kind in adds.items() if hasattr(app, name)}
        for name, kind in adds.items():
            setattr(app, name, transform(getattr(app, name), kind))
        try:
            return setup(app)
        except Exception as error:  # any failure of the course's own code
            record.setup_error = f"{type(error).__name__}: {error}"
            return None
        finally:
            del app.connect  # the class's own methods again
            for name in adds:
                delattr(app, name)

    return run


@contextlib.contextmanager
def tolerant_extensions(record: Standins, keep: tuple[str, ...] = ("hpccourse",)) -> Iterator[None]:
    """While active, an extension whose ``setup()`` fails here (an installed version made
    for another Sphinx, say) is left out and recorded instead of stopping the check, and
    an event handler it connects that fails (on a page read with stand-ins) is said and
    skipped; the extensions in ``keep`` still fail loudly."""
    from sphinx.registry import SphinxComponentRegistry

    load = SphinxComponentRegistry.load_extension

    def tolerant(self: SphinxComponentRegistry, app: Any, extname: str) -> None:
        ours = extname.split(".")[0] in keep
        connect = app.connect

        def guarded_connect(event: str, callback: Callable[..., Any], priority: int = 500) -> Any:
            return connect(event, _guarded_handler(event, callback, record, extname), priority)

        if not ours:  # its handlers may fail on what stands in here (a stand-in's pages)
            app.connect = guarded_connect
        try:
            load(self, app, extname)
        except Exception as error:  # any failure of an extension's own code
            if ours:
                raise
            record.failed[extname] = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        finally:
            app.connect = connect

    SphinxComponentRegistry.load_extension = tolerant  # type: ignore[method-assign]
    try:
        yield
    finally:
        SphinxComponentRegistry.load_extension = load  # type: ignore[method-assign]
