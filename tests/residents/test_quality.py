"""档案质量: what makes the archive incomplete or wrong."""

import pytest
from django.db import connection
from django.urls import reverse

from residents.selectors.quality import houses_without_owner, residents_with_invalid_phone
from tests import factories

URL = reverse("residents:quality")


@pytest.fixture
def archive(site_a, site_b):
    owned = factories.make_house(site_a, building=1, room="101")
    factories.make_resident(site_a, "张三", "13800138000", house=owned)
    factories.make_house(site_a, building=2, room="202")  # nobody owns it on record
    factories.make_resident(site_a, "李四", "")  # no phone
    factories.make_resident(site_a, "王五", "12345")  # not a Chinese number
    factories.make_resident(site_a, "赵六", "0571-88886601")  # a landline is fine
    factories.make_resident(site_a, "张三", "13800138000")  # entered twice
    factories.make_resident(site_b, "钱七", "")  # another site's problem


def names(response):
    return [getattr(row, "name", None) or row.get("name") for row in response.context["page"]]


def test_it_lists_residents_without_a_phone(clerk_client, archive):
    assert names(clerk_client.get(URL, {"section": "no_phone"})) == ["李四"]


def test_it_lists_phones_that_are_not_chinese_numbers(clerk_client, archive):
    assert names(clerk_client.get(URL, {"section": "bad_phone"})) == ["王五"]


def test_it_lists_houses_without_an_owner(clerk_client, archive):
    response = clerk_client.get(URL, {"section": "no_owner"})
    assert [h.label for h in response.context["page"]] == ["2栋2单元202"]


def test_houses_without_an_owner_are_found_in_the_index_of_current_owners(site_a, archive):
    with connection.cursor() as cursor:
        # A test's few rows are cheapest read whole: ask for the index a company's would use,
        # with what the planner knows of the rows.
        cursor.execute("ANALYZE residents_occupancy")
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Each of the site's houses is looked up in the owners' partial index, where every
    # site's occupancies were read and hashed (60 ms for a site of 9,500 houses).
    assert "occupancy_current_owner" in houses_without_owner(site_a).explain()


def test_phones_not_chinese_numbers_are_read_from_their_own_partial_index(site_a, archive):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE residents_resident")
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Only the residents whose phone is wrong are in it: the page and its count read them
    # there, where every resident of the site was tested against both patterns (~18 ms
    # for a site of 11,000 residents).
    plan = residents_with_invalid_phone(site_a).explain()
    assert "resident_bad_phone" in plan, plan
    assert [r.name for r in residents_with_invalid_phone(site_a)] == ["王五"]


def test_it_lists_duplicate_people(clerk_client, archive):
    response = clerk_client.get(URL, {"section": "duplicates"})
    rows = list(response.context["page"])
    assert [(r["name"], r["copies"]) for r in rows] == [("张三", 2)]
    assert "138****8000" in response.content.decode()


def test_it_ignores_an_unknown_section(clerk_client, archive):
    assert clerk_client.get(URL, {"section": "<x>"}).status_code == 200


# Session, user, the header's unread messages, the section's count and page, then what
# the comment says.
@pytest.mark.parametrize(
    ("section", "queries"),
    [
        ("no_phone", 6),  # the page's residents' homes
        ("bad_phone", 6),  # the page's residents' homes
        ("no_owner", 5),
        ("duplicates", 5),
    ],
)
def test_it_uses_the_same_number_of_queries_for_few_or_many(
    clerk_client, site_a, archive, section, queries, django_assert_num_queries
):
    clerk_client.get(URL, {"section": section})
    with django_assert_num_queries(queries):
        clerk_client.get(URL, {"section": section})
    for i in range(25):
        factories.make_house(site_a, building=20 + i, room="101")
        factories.make_resident(site_a, f"周{i}", "")
        factories.make_resident(site_a, f"吴{i}", "999")
        factories.make_resident(site_a, f"郑{i}", f"1360000{i:04d}")
        factories.make_resident(site_a, f"郑{i}", f"1360000{i:04d}")
    with django_assert_num_queries(queries):
        clerk_client.get(URL, {"section": section})


def test_it_needs_login(client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))
