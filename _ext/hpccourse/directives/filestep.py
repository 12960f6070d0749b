"""A step's file form and its per-cluster note, as nodes for a cluster's tab.

Kept apart from :mod:`.commands` so that whatever builds the tab set calls these two:

- :func:`file_nodes`: a file step (``file = "job.sh"``, ``content = "..."``) shown as a file:
  a ``bash`` block with the file's name as its caption (like ``code-block`` with
  ``:caption:``). The block records ``hpc_file`` beside the usual ``hpc_*`` facts, so the
  console checker reads it as a script and lessonrun writes it as that file.
- :func:`note_nodes`: ``note.KEY = "..."``, a short paragraph under the block.

Text is shown as written (never parsed as markup), like every value of the table.
"""

from __future__ import annotations

from docutils import nodes

from ..table import Cluster, Rendered
from .base import generated_block, verbatim


def file_nodes(cluster: Cluster, item: Rendered, source: str, line: int) -> list[nodes.Node]:
    """The file of a file step for ``cluster``: a captioned ``bash`` block."""
    block = generated_block(item.content.rstrip("\n"), "bash", cluster, item, source, line)
    block["hpc_file"] = item.file
    caption = nodes.caption(item.file, "", nodes.literal(item.file, item.file))
    caption.source, caption.line = source, line
    wrapper = nodes.container(
        "", caption, block, literal_block=True, classes=["literal-block-wrapper"]
    )
    wrapper.source, wrapper.line = source, line
    return [verbatim(wrapper)]


def note_nodes(item: Rendered, source: str, line: int) -> list[nodes.Node]:
    """The step's note for this cluster, if it has one."""
    if not item.note:
        return []
    para = nodes.paragraph(item.note, item.note, classes=["hpccourse-note"])
    para.source, para.line = source, line
    return [verbatim(para)]
