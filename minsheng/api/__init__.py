"""The API (docs/api.md): reads of the public data (and a department's own) under /api/ with django-ninja,
and progress reports written by machine through delivery's services; the office's API tokens."""
