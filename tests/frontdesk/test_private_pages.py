"""Pages seen by a logged-in user are never cached: desk PCs are shared."""

import pytest


@pytest.mark.parametrize("path", ["/", "/visitors/", "/complaints/", "/accounts/password/"])
def test_it_forbids_caching_pages_of_logged_in_users(clerk_client, path):
    response = clerk_client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
