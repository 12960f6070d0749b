"""Placeholder until this part lands."""


def setup(app) -> None:
    """Nothing yet."""
