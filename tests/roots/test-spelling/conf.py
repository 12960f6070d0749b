"""Planted misspellings; the test applies the project's own spelling settings."""

extensions = ["hpccourse.builders.spelling"]
