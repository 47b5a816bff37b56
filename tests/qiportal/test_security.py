"""Security headers on every page, HTTPS behind a proxy, and the client's real address."""

import pytest
from django.test import RequestFactory

from qiportal.proxy import client_ip
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def csp(response):
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }


@pytest.mark.parametrize("url", ["/", "/faq/", "/cases/", "/search/?q=x", "/glossary/"])
def test_public_pages_have_a_strict_csp_and_the_usual_headers(client, url):
    response = client.get(url)
    policy = csp(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_admin_and_its_editor_are_under_the_same_policy(admin_user_client):
    response = admin_user_client.get("/admin/explainer/topic/add/")
    assert csp(response)["script-src"] == ["'self'"]
    assert "<script>" not in response.text  # no inline script for the policy to block


def test_public_pages_have_no_inline_scripts(client, shipped_content):
    for url in ("/", "/topics/qualified-immunity-in-the-courts/", "/cases/pearson-v-callahan/"):
        page = client.get(url).text
        for tag in page.split("<script")[1:]:
            attributes = tag.split(">")[0]
            assert "src=" in attributes or 'type="application/ld+json"' in attributes


class TestBehindAnHTTPSProxy:
    @pytest.fixture(autouse=True)
    def production(self, settings):
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        settings.SECURE_HSTS_SECONDS = 31_536_000
        settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    def test_plain_http_is_sent_to_https(self, client):
        response = client.get("/faq/")
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/faq/"

    def test_https_from_the_proxy_is_served_with_hsts(self, client):
        response = client.get("/faq/", headers={"x-forwarded-proto": "https"})
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

    def test_canonical_addresses_use_https(self, client):
        TopicFactory(slug="t")
        # As through a proxy: HTTPS to the proxy on port 443, plain HTTP from it to the app.
        page = client.get(
            "/topics/t/", headers={"x-forwarded-proto": "https"}, SERVER_PORT="443"
        ).text
        assert '<link rel="canonical" href="https://testserver/topics/t/">' in page


class TestClientAddress:
    def request(self, remote, forwarded=None):
        headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)

    def test_without_proxies_it_is_the_peer(self, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        assert client_ip(self.request("10.0.0.1", "6.6.6.6")) == "10.0.0.1"

    def test_behind_one_proxy_it_is_what_the_proxy_saw(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        # The client forged the first entry; the proxy appended the real one.
        assert client_ip(self.request("10.0.0.1", "6.6.6.6, 203.0.113.9")) == "203.0.113.9"

    def test_behind_two_proxies(self, settings):
        settings.TRUSTED_PROXY_COUNT = 2
        assert client_ip(self.request("10.0.0.2", "203.0.113.9, 10.0.0.1")) == "203.0.113.9"

    def test_a_missing_header_falls_back_to_the_peer(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        assert client_ip(self.request("10.0.0.1")) == "10.0.0.1"
