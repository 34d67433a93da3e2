"""Links sent out of the browser (frontdesk.links): on the deployment's public address."""

from django.db import connection

from frontdesk.links import absolute


def test_it_puts_a_path_on_the_public_address(settings):
    settings.PUBLIC_BASE_URL = "https://desk.example.com/"
    assert absolute("/n/abc/") == "https://desk.example.com/n/abc/"
    assert absolute("complaints/3/") == "https://desk.example.com/complaints/3/"


def test_it_falls_back_to_the_first_host_the_site_answers_to(settings):
    settings.PUBLIC_BASE_URL = ""
    settings.ALLOWED_HOSTS = [".example.com", "*", "desk.example.cn", "localhost"]
    assert absolute("/n/abc/") == "https://desk.example.cn/n/abc/"


def test_it_leaves_a_whole_address_and_no_link_alone(settings):
    settings.PUBLIC_BASE_URL = "https://desk.example.com"
    assert absolute("https://other.example.com/x") == "https://other.example.com/x"
    assert absolute("") == ""


def test_the_database_compiles_no_query_just_in_time(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
