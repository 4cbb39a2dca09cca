"""The delivery tests' small world (a plan, an item, its targets, a user of every role) for the audit tests."""

from minsheng.delivery.tests.conftest import world  # noqa: F401 - a fixture
