"""The console-block checking core: pure Python, no Sphinx or docutils.

- ``model``: the shared records (Block, Line, Command, Problem, RuleContext, BlockResult).
- ``lines``: ``classify`` a block's lines and join them into ``commands``.
- ``syntax``: tree-sitter-bash and ``compile()`` checks of single commands.
- ``words``: a command's simple commands as words (also used by lessonrun).
- ``rules``: the session rules over a document, one session per cluster.
- ``codes``: the rule codes and their one-line descriptions (``RULES``).
- ``check``: ``check_document`` (the entry point) and ``check_text`` (the cheap path).
"""
