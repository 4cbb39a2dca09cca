"""The one exception the document reader raises."""


class DocumentError(Exception):
    """A document could not be read as a plan.

    Raised for a missing, empty, binary, oversized or corrupt file, and for a readable file that holds
    no plan. ``str(error)`` is a one-line message fit to show a user; nothing else escapes the reader.
    """
