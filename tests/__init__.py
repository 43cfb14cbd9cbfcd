"""The test suite, in folders that mirror the code (reference/, and katas/'s packages).

ROOT is the project folder, for the tests that read its files (pyproject.toml, docs/).
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
