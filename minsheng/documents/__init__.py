"""Read livelihood plan documents into typed dataclasses.

This package imports no Django. The entry points:

- :func:`parse_file` (a path), :func:`parse_bytes` (content and a file name) and :func:`parse_text`
  (already-decoded text) return a :class:`PlanDocument`;
- every failure is a :class:`DocumentError` with a one-line message.
"""

from minsheng.documents.errors import DocumentError
from minsheng.documents.model import Action, Item, PlanDocument, Standard, Target
from minsheng.documents.parser import parse_bytes, parse_file, parse_text

__all__ = [
    "Action",
    "DocumentError",
    "Item",
    "PlanDocument",
    "Standard",
    "Target",
    "parse_bytes",
    "parse_file",
    "parse_text",
]
