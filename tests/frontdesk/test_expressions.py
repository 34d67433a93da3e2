"""any_of (frontdesk.expressions): ``column = ANY(%s::bigint[])`` with the ids as one
parameter, the array's text."""

import pytest

from frontdesk.expressions import any_of
from frontdesk.models import Department


def test_it_matches_the_ids_given_and_nothing_else(site_a):
    ids = list(site_a.departments.order_by("pk").values_list("pk", flat=True))
    chosen = [ids[0], ids[2], ids[2]]
    found = Department.objects.filter(any_of("pk", chosen)).values_list("pk", flat=True)
    assert sorted(found) == [ids[0], ids[2]]
    assert not Department.objects.filter(any_of("pk", [])).exists()


def test_thousands_of_ids_are_one_parameter_of_text(site_a):
    ids = list(site_a.departments.values_list("pk", flat=True))
    many = [*range(10**6, 10**6 + 5000), *ids]
    query = Department.objects.filter(any_of("pk", many)).query
    sql, params = query.sql_with_params()
    assert "= ANY(%s::bigint[])" in sql
    # The driver gets the array's text, not a list it would check and quote element by
    # element.
    (array,) = params
    assert array == "{" + ",".join(map(str, many)) + "}"
    assert Department.objects.filter(any_of("pk", many)).count() == len(ids)


def test_anything_but_whole_numbers_is_refused_before_the_query(site_a):
    with pytest.raises(ValueError):
        any_of("pk", ["1}", "2"])
