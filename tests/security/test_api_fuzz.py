"""Issue 14 item 6: a bounded Schemathesis run over the whole API (its own OpenAPI schema), as a province officer with a
token and as a visitor: no answer may be a 5xx, whatever the input (valid per the schema or deliberately not).

Bounded so that `make test` stays fast on both databases: a few derandomized examples per operation and generation
mode, no shrinking, no deadline. Requests go through Django's test client (in the test's transaction), not a socket.
"""

import contextlib
import json
from collections import Counter
from urllib.parse import quote, urlencode

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core import NOT_SET
from schemathesis.generation import GenerationMode

from accounts.services import issue_token

pytestmark = pytest.mark.django_db

EXAMPLES = 4  # per operation and generation mode


def _schema():
    from api.api import api

    return schemathesis.openapi.from_dict(api.get_openapi_schema())


def _operations():
    return [result.ok() for result in _schema().get_all_operations()]


def _encode(value) -> str:
    # Surrogates are sent as the (invalid) UTF-8 a hostile client would send, not dropped.
    return quote(str(value), safe="", errors="surrogatepass")


def _send(client: Client, case, auth_header: dict):
    path = case.path
    for name, value in (case.path_parameters or {}).items():
        path = path.replace("{" + name + "}", _encode(value))
    query = urlencode(case.query or {}, doseq=True, errors="surrogatepass")
    url = f"{path}?{query}" if query else path
    kwargs = {}
    if case.body is not NOT_SET:
        # negative mode may send raw bytes as the body (not JSON): sent as they are
        raw = isinstance(case.body, bytes | bytearray)
        kwargs["data"] = case.body if raw else json.dumps(case.body)  # ensure_ascii: NUL and surrogates as \\u escapes
        kwargs["content_type"] = case.media_type or "application/json"
    headers = {k: str(v) for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    return client.generic(case.method.upper(), url, headers={**headers, **auth_header}, **kwargs)


def _fuzz_operation(client, auth_header, operation, mode, failures, statuses):
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = _send(client, case, auth_header)
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            failures.append(f"{case.method.upper()} {case.path} {mode}: {response.status_code} for {case!r}")

    with contextlib.suppress(Unsatisfiable):  # nothing to break in this mode (e.g. no parameter to make invalid)
        run()


def _fuzz(client: Client, auth_header: dict):
    failures, statuses = [], Counter()
    for operation in _operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _fuzz_operation(client, auth_header, operation, mode, failures, statuses)
    # The run reached the views (some answers are 200) and refused bad input (some are 400).
    assert statuses[200] and statuses[400], statuses
    return failures


@pytest.fixture
def fuzz_settings(settings):
    settings.RATE_LIMITS = []  # the throttles would turn later examples into 429s and hide what they test
    return settings


def test_api_never_answers_5xx_to_an_officer(province_officer, fuzz_settings):
    _token, key = issue_token(actor=province_officer, name="fuzz")
    failures = _fuzz(Client(raise_request_exception=False), {"Authorization": f"Bearer {key}"})
    assert failures == []


def test_api_never_answers_5xx_to_a_visitor(db, fuzz_settings):
    failures = _fuzz(Client(raise_request_exception=False), {})
    assert failures == []
