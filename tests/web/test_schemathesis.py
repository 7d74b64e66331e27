"""Property-based tests of the REST API from its own OpenAPI document (schemathesis, a few examples each).

Every operation, called with generated valid and invalid input by two roles, must never answer with a
server error, and its responses must match the documented schema. The token endpoints are left out:
generated logins would trip the login throttle, and revoking would end the test's own token.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from tests.web.support import Server


@pytest.mark.parametrize("username", ["t_analyst", "t_risk"])
def test_api_never_fails_on_generated_input(server: Server, username: str) -> None:
    headers = {"Authorization": f"Bearer {server.tokens[username]}"}
    schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json", headers=headers)
    schema = schema.exclude(path="/api/v1/auth/token")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    failures: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(checks=[not_a_server_error, response_schema_conformance], headers=headers)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.label}: {exc}")
    server.reset_throttle()
    assert failures == []
