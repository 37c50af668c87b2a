"""Issue 14: a request body over MAX_REQUEST_BYTES is refused (413, short Vietnamese message) before it is read,
by its Content-Length (WSGI and ASGI) or, for a chunked body under ASGI, as soon as the bytes streamed exceed it."""

import asyncio
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.limits import limit_asgi

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    """A body that must never be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readinto = read


def test_a_declared_body_over_the_limit_is_refused_unread(client, province_officer, settings):
    settings.MAX_REQUEST_BYTES = 30 * 1024 * 1024
    client.force_login(province_officer)
    response = client.generic(
        "POST",
        "/register/import/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "quá lớn (tối đa 30 MB)" in response.content.decode() and response["Connection"] == "close"


def test_the_api_is_answered_in_json(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post("/api/v1/areas/resolve", "x" * 2000, content_type="application/json")
    assert response.status_code == 413 and "quá lớn" in response.json()["detail"]


def test_an_upload_under_the_limit_still_works(client, province_officer, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.MAX_REQUEST_BYTES = 30 * 1024 * 1024
    client.force_login(province_officer)
    text = "product,producer\n" + "Gạo,HTX\n" * 200_000  # ~2 MB: over the in-memory threshold, under every limit
    upload = SimpleUploadedFile("so.csv", text.encode())
    response = client.post("/register/import/", {"kind": "register", "file": upload})
    assert response.status_code == 302 and "/imports/" in response.url
    page = client.get(response.url).content.decode()  # received, then refused by the import's row limit, on its page
    assert "hơn 100.000 dòng" in page


def _asgi_call(app, headers, chunks):
    sent, reads = [], []
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]

    async def receive():
        reads.append(1)
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/register/import/", "headers": headers}
    asyncio.run(app(scope, receive, send))
    return sent, len(reads)


def test_asgi_refuses_a_chunked_body_while_it_streams(settings):
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    seen = []

    async def app(scope, receive, send):  # reads everything, as Django's ASGI handler does
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            seen.append(len(message.get("body", b"")))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    chunk = b"x" * (256 * 1024)
    sent, reads = _asgi_call(limit_asgi(app), [(b"transfer-encoding", b"chunked")], [chunk] * 1200)  # 300 MB
    assert sent[0]["status"] == 413 and reads == 5  # stopped after 1.25 MB of 300
    assert "quá lớn".encode() in sent[1]["body"] and len(sent) == 2
    sent, reads = _asgi_call(limit_asgi(app), [(b"content-length", str(300 * 1024 * 1024).encode())], [chunk])
    assert sent[0]["status"] == 413 and reads == 0
    sent, _reads = _asgi_call(limit_asgi(app), [], [chunk, chunk])
    assert sent[0]["status"] == 200


def test_the_real_asgi_application_can_be_wrapped(settings):
    from django.core.asgi import get_asgi_application

    settings.MAX_REQUEST_BYTES = 1024
    sent, _reads = _asgi_call(limit_asgi(get_asgi_application()), [], [b"a=" + b"x" * 4000])
    assert sent[0]["status"] == 413


def test_no_client_sees_the_limit_when_it_is_large(settings):
    settings.MAX_REQUEST_BYTES = 30 * 1024 * 1024
    assert Client().get("/").status_code in (200, 302)


def test_one_visitors_english_does_not_answer_the_next_ones_refusal(client, settings):
    # the refusal comes before the language is read: it must be in the default language, whoever came before
    settings.MAX_REQUEST_BYTES = 1024
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert english.get("/catalog/")["Content-Language"] == "en"
    response = client.generic("POST", "/api/v1/reports/ocop", b"x" * 2048, content_type="application/json")
    assert response.status_code == 413 and "quá lớn" in response.json()["detail"]
