"""schemathesis against /api/openapi.json: every operation, with generated requests (a few examples each),
through the WSGI application on the small world of conftest.py, anonymous and with a reporter's token.
Every answer must be documented (status, headers, body) and none may be a server error."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

# The examples and fuzzing phases, a few examples per operation (the coverage phase's hundreds of edge
# cases per operation would take minutes).
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)


@pytest.fixture
def world_with_token(api_world, tokens):
    """The world, and the WSGI handler kept from closing the test's database connection at each request's
    start and end (as Django's test client does): on PostgreSQL that would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield tokens
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, world_with_token, settings):
    settings.MINSHENG_API_RATE = (100_000, 60)
    settings.MINSHENG_API_ANON_RATE = (100_000, 60)
    # identity: the WSGI transport hands back the bytes as sent, and the site gzips what a client accepts
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world_with_token.full}", "Accept-Encoding": "identity"}
    )
