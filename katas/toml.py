"""TOML reading, written once: the standard library's tomllib on Python 3.11+, tomli on 3.10.

Use it as `from katas.toml import tomllib`.
"""
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["tomllib"]
