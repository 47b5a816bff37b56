"""Errors get the site's own pages, never a traceback."""

import pytest
from django.urls import path

from qiportal.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]


@pytest.mark.urls("tests.qiportal.test_errors")
def test_a_server_error_shows_the_500_page_without_details(client):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "a bug" not in response.text
    assert "Traceback" not in response.text
