"""Lesson admonitions, under sphinx-lesson's names: ``objectives``, ``instructor-note``,
``keypoints``, ``exercise``, ``challenge``, ``type-along``, ...; and ``solution``, the
answer closed until the reader opens it (``<details>``, no JavaScript).

sphinx-lesson, the usual provider, needs Sphinx < 9, so the course has its own, with the
same names, argument (an optional title) and options (``:class:``, ``:name:``): a course
moving from sphinx-lesson keeps its pages, and the console blocks inside these boxes are
built and checked (an unknown directive's content is dropped before any builder runs).
Each directive makes a subclass of :class:`docutils.nodes.admonition` carrying its
directive's name as CSS class (plus sphinx-lesson's extra classes, e.g. ``important``):
every Sphinx writer (html, text, latex, ...) finds the admonition visitor through the
node's class hierarchy, and the html pages that use one get ``lesson.css``. As in
sphinx-lesson, a box may have a title and no body; with neither it is an error.

Usage (the argument, a title, is optional)::

    .. objectives::

       - create a virtual environment

    .. instructor-note:: Timing

       Takes 3 minutes.

``solution`` is the answer to an exercise, closed until the reader opens it (HTML
``<details>``, no script). State the task as text before it; a ``cluster-commands``
inside keeps its tabs in step with the reader's cluster::

    Create a virtual environment called ``analysis``.

    .. solution::

       .. cluster-commands:: create-venv
          :venv: analysis
"""

from __future__ import annotations

from html import escape
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from ..html.assets import serve_static

CSS_FILE = "lesson.css"


# Node classes are lower case, as docutils names its own.
class lesson_admonition(nodes.admonition):
    """Any lesson admonition; the writers treat it as a plain admonition."""


class objectives(lesson_admonition):
    """What learners will be able to do after the lesson or exercise."""


class instructor_note(lesson_admonition):
    """Notes for teachers: goals, timing, lesson plan."""


class keypoints(lesson_admonition):
    """What learners take away from the lesson."""


class solution(nodes.container):
    """An exercise's answer, closed until the reader opens it; ``title`` is its summary.

    HTML writes a ``<details>``; every other writer sees a container (the answer shown).
    """


def visit_solution_html(self: Any, node: solution) -> None:
    self.body.append(self.starttag(node, "details", CLASS="solution"))
    self.body.append(f"<summary>{escape(node['title'])}</summary>\n")


def depart_solution_html(self: Any, node: solution) -> None:
    self.body.append("</details>\n")


class Solution(SphinxDirective):
    """``.. solution:: [TITLE]`` -- the answer, closed; the title defaults to "Answer"."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {
        "class": directives.class_option,
        "name": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        self.assert_has_content()
        node = solution(title=self.arguments[0] if self.arguments else "Answer")
        node["classes"] += self.options.get("class", [])
        self.set_source_info(node)
        self.add_name(node)
        node += self.parse_content_to_nodes()
        return [node]


class LessonAdmonition(SphinxDirective):
    """An admonition with a fixed kind, a default title and any body."""

    node_class: ClassVar[type[lesson_admonition]] = lesson_admonition
    css_class: ClassVar[str] = ""
    default_title: ClassVar[str] = ""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {
        "class": directives.class_option,
        "name": directives.unchanged,
    }

    #: sphinx-lesson's extra CSS classes for this kind (``important``, ``dropdown``).
    extra_classes: ClassVar[tuple[str, ...]] = ()

    def run(self) -> list[nodes.Node]:
        """Build the admonition: title (argument or default), then the parsed body."""
        if not self.arguments:
            self.assert_has_content()
        node = self.node_class("\n".join(self.content))
        extra = (
            [*self.extra_classes]
            if self.content
            else [*self.extra_classes, "admonition-no-content"]
        )
        node["classes"] += [self.css_class, *extra, *self.options.get("class", [])]
        self.set_source_info(node)
        self.add_name(node)

        title_text = self.arguments[0] if self.arguments else self.default_title
        inline, messages = self.parse_inline(title_text, lineno=self.lineno)
        title = nodes.title(title_text, "", *inline)
        self.set_source_info(title)
        node += title
        node += messages
        node += self.parse_content_to_nodes()
        return [node]


class Objectives(LessonAdmonition):
    """``.. objectives::`` -- learning objectives."""

    node_class = objectives
    css_class = "objectives"
    default_title = "Learning objectives"


class InstructorNote(LessonAdmonition):
    """``.. instructor-note::`` -- for teachers."""

    node_class = instructor_note
    css_class = "instructor-note"
    default_title = "Instructor note"


class KeyPoints(LessonAdmonition):
    """``.. keypoints::`` -- the lesson's key points."""

    node_class = keypoints
    css_class = "keypoints"
    default_title = "Key points"


# sphinx-lesson's other directives: name -> (default title, extra CSS classes). Its
# ``challenge`` is ``exercise`` and ``prereq`` is ``prerequisites``, under their own names.
_IMPORTANT = ("important",)
SPHINX_LESSON_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "demo": ("Demo", ()),
    "type-along": ("Type-Along", _IMPORTANT),
    "exercise": ("Exercise", _IMPORTANT),
    "challenge": ("Challenge", _IMPORTANT),
    "solution": ("Solution", ("important", "dropdown")),
    "homework": ("Homework", _IMPORTANT),
    "prerequisites": ("Prerequisites", ()),
    "prereq": ("Prerequisites", ()),
    "discussion": ("Discussion", _IMPORTANT),
    "questions": ("Questions", ()),
    "callout": ("Callout", ()),
    "checklist": ("Checklist", ()),
    "testimonial": ("Testimonial", ()),
    "output": ("Output", ()),
}


class NamedByClass(LessonAdmonition):
    """A lesson box named after its class, as sphinx-lesson's ``_BaseCRDirective`` does:
    ``SignatureDirective`` is ``.. signature::``, titled "Signature" unless ``title_text``
    says otherwise. A course's ``conf.py`` that subclasses sphinx-lesson's base class gets
    this one when sphinx-lesson is not installed (``hpccourse check``)."""

    title_text: ClassVar[str] = ""

    @classmethod
    def cssname(cls) -> str:
        """The directive's name and CSS class: the class name before ``Directive``."""
        return cls.__name__.split("Directive")[0].lower().replace("_", "-")

    def run(self) -> list[nodes.Node]:
        self.css_class = self.css_class or self.cssname()
        self.default_title = self.title_text or self.default_title or self.cssname().title()
        return super().run()


def lesson_directive(name: str, title: str, extra: tuple[str, ...]) -> type[LessonAdmonition]:
    """A directive class for one of sphinx-lesson's kinds."""
    return type(
        f"{name.title().replace('-', '')}Directive",
        (LessonAdmonition,),
        {
            "css_class": name,
            "default_title": title,
            "extra_classes": extra,
            "__doc__": f"``.. {name}::``",
        },
    )


def _add_css(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Add ``lesson.css`` to the pages that show a lesson box."""
    if doctree is None:
        return
    if doctree.next_node(lesson_admonition) or doctree.next_node(solution):
        app.add_css_file(CSS_FILE)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the nodes, the directives and their stylesheet.

    Called from the package's ``setup``; also usable alone, as the extension
    ``hpccourse.lesson``.
    """
    for node_class in (lesson_admonition, objectives, instructor_note, keypoints):
        app.add_node(node_class)
    app.add_directive("objectives", Objectives)
    app.add_directive("instructor-note", InstructorNote)
    app.add_directive("keypoints", KeyPoints)
    app.add_node(solution, html=(visit_solution_html, depart_solution_html))
    app.add_directive("solution", Solution)
    for name, (title, extra) in SPHINX_LESSON_KINDS.items():
        if name != "solution":  # the answer closed until opened, above
            app.add_directive(name, lesson_directive(name, title, extra))
    app.connect("config-inited", serve_static(CSS_FILE))
    app.connect("html-page-context", _add_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
