"""Document URLs on another base, or a bucket that redirects: what a hostile Amazon could hand out."""

from __future__ import annotations

import pytest

from tests.support.sandbox_http import BASE_URL, FEEDS

EVIL = "https://evil.example"


async def new_document(client, headers) -> dict:
    response = await client.post(f"{FEEDS}/documents", json={"contentType": "text/xml"}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_by_default_the_urls_are_the_sandbox_s_own(client, us_headers):
    document = await new_document(client, us_headers)
    assert document["url"].startswith(f"{BASE_URL}/_bucket/upload/{document['feedDocumentId']}?expires=")


@pytest.mark.parametrize("base", [f"{EVIL}/", "http://127.0.0.1:6379"])
async def test_documents_are_handed_out_on_another_base(sandbox, client, us_headers, base):
    sandbox.set_document_urls(base)
    document = await new_document(client, us_headers)
    document_id = document["feedDocumentId"]
    assert document["url"].startswith(f"{base.rstrip('/')}/_bucket/upload/{document_id}?expires=")
    assert "&sig=" in document["url"]
    info = await client.get(f"{FEEDS}/documents/{document_id}", headers=us_headers)
    assert info.json()["url"].startswith(f"{base.rstrip('/')}/_bucket/download/{document_id}?")
    sandbox.set_document_urls()
    assert (await new_document(client, us_headers))["url"].startswith(f"{BASE_URL}/_bucket/")


async def test_the_bucket_redirects_uploads_and_downloads(sandbox, client, us_headers):
    document = await new_document(client, us_headers)
    sandbox.set_document_urls(redirect=f"{EVIL}/steal")
    upload = await client.put(document["url"], content=b"<x/>", headers={"Content-Type": "text/xml"})
    assert (upload.status_code, upload.headers["location"]) == (302, f"{EVIL}/steal")
    assert (
        sandbox.db.query_one(
            "SELECT content FROM documents WHERE document_id = ?", (document["feedDocumentId"],)
        )["content"]
        is None
    )
    sandbox.set_document_urls(redirect=f"{EVIL}/steal", redirect_status=307)
    download = await client.get(f"{BASE_URL}/_bucket/download/x?expires=1&sig=x")
    assert (download.status_code, download.headers["location"]) == (307, f"{EVIL}/steal")
    assert [entry.status for entry in sandbox.access_log[-2:]] == [302, 307]


async def test_the_admin_route_sets_and_restores(sandbox, client, us_headers):
    answer = await client.post("/_sandbox/document-urls", json={"base": EVIL, "redirect": None})
    assert answer.json() == {"base": EVIL, "redirect": None, "redirect_status": 302}
    assert (await new_document(client, us_headers))["url"].startswith(f"{EVIL}/_bucket/upload/")
    assert (await client.post("/_sandbox/document-urls", json={})).json()["base"] is None
    assert (await new_document(client, us_headers))["url"].startswith(f"{BASE_URL}/_bucket/upload/")


@pytest.mark.parametrize(
    "body",
    [{"base": "ftp://evil.example"}, {"base": "evil.example"}, {"redirect": ""}, {"redirect_status": 200}],
)
async def test_bad_settings_are_refused(sandbox, client, body):
    assert (await client.post("/_sandbox/document-urls", json=body)).status_code == 400
    assert sandbox.document_urls.base is None
