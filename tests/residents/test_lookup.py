"""The lookup selector: every key type, ranking, site isolation, a fixed number of queries."""

import pytest

from residents.models import House, Resident, Vehicle
from residents.selectors.lookup import LOOKUP_LIMIT, lookup
from residents.services.search_keys import residents_reindex
from tests import factories


@pytest.fixture
def records(site_a, site_b):
    house = factories.make_house(site_a, building=3, unit=2, room="1201")
    other_house = factories.make_house(site_a, building=5, unit=1, room="1201")
    zsf = factories.make_resident(site_a, "张三丰", "13800138000", house=house)
    factories.make_resident(site_a, "李四", "13912345678", house=other_house)
    factories.make_resident(site_a, "张三", "13700001111")
    # Same name and phone in the other site: must never show up.
    factories.make_resident(site_b, "张三丰", "13800138000", house=factories.make_house(site_b))
    return {"house": house, "other_house": other_house, "zsf": zsf}


def names(result):
    return [r.name for r in result.residents]


@pytest.mark.parametrize(
    "q", ["张三丰", "张三", "张", "三丰", "zsf", "zs", "zhangsanfeng", "zhang", "sanfeng"]
)
def test_it_finds_by_name_and_pinyin(site_a, records, q):
    assert "张三丰" in names(lookup(site_a, q))


@pytest.mark.parametrize("q", ["13800138000", "8000"])
def test_it_finds_by_phone_whole_or_last_four(site_a, records, q):
    assert names(lookup(site_a, q)) == ["张三丰"]


@pytest.mark.parametrize("q", ["1380013", "1380", "138001380", "0013", "00138000"])
def test_it_does_not_find_a_phone_by_a_part_the_mask_hides(site_a, records, q):
    # 138****8000: the first digits typed so far, or the middle, tell nothing more
    # (tests/residents/test_lookup_leaks.py walks the digits one by one).
    assert names(lookup(site_a, q)) == []


@pytest.mark.parametrize("q", ["3-2-1201", "3栋2单元1201", "3-1201", "3栋1201"])
def test_it_finds_a_house_by_code(site_a, records, q):
    result = lookup(site_a, q)
    assert [h.pk for h in result.houses] == [records["house"].pk]
    assert result.houses_first
    assert [o.name for o in result.houses[0].occupants] == ["张三丰"]


def test_it_finds_every_house_with_a_room_number(site_a, records):
    result = lookup(site_a, "1201")
    assert {h.pk for h in result.houses} == {records["house"].pk, records["other_house"].pk}


def test_it_finds_by_plate(site_a, records):
    Vehicle.objects.create(site=site_a, resident=records["zsf"], plate="浙A12345")
    residents_reindex(resident_ids=[records["zsf"].pk])
    assert names(lookup(site_a, "浙A12345")) == ["张三丰"]
    assert names(lookup(site_a, "a123")) == ["张三丰"]


def test_it_ranks_exact_names_first(site_a, records):
    assert names(lookup(site_a, "张三"))[0] == "张三"
    assert names(lookup(site_a, "张三丰"))[0] == "张三丰"


def test_it_keeps_to_the_current_site(site_a, site_b, records):
    result = lookup(site_b, "张三丰")
    ids = [r.pk for r in result.residents]
    assert list(Resident.objects.filter(pk__in=ids).values_list("site", flat=True)) == [site_b.pk]
    assert records["zsf"].pk not in ids
    ids = [h.pk for h in lookup(site_b, "3-2-1201").houses]
    assert list(House.objects.filter(pk__in=ids).values_list("site", flat=True)) == [site_b.pk]
    assert records["house"].pk not in ids


def test_it_shows_the_houses_of_each_resident(site_a, records):
    result = lookup(site_a, "zsf")
    assert [(t.label, t.relation_label) for t in result.residents[0].houses] == [
        ("3栋2单元1201", "业主")
    ]


@pytest.mark.parametrize(
    "q", ["", "   ", "%", "_", "'; DROP TABLE residents_resident; --", "<b>", "\x00", "😀"]
)
def test_it_survives_odd_queries(site_a, records, q):
    result = lookup(site_a, q)
    assert result.residents == [] and result.houses == []


def test_it_caps_results_and_says_there_are_more(site_a):
    for i in range(LOOKUP_LIMIT + 5):
        factories.make_resident(site_a, f"张{i}", f"1390000{i:04d}")
    result = lookup(site_a, "张")
    assert len(result.residents) == LOOKUP_LIMIT
    assert result.more


@pytest.mark.parametrize("q", ["张", "1201"])
def test_it_uses_the_same_queries_for_10_or_100_matches(site_a, django_assert_num_queries, q):
    def load(n, offset):
        for i in range(offset, offset + n):
            house = factories.make_house(site_a, building=i + 1, unit=1, room="1201")
            factories.make_resident(site_a, f"张{i}", f"1390000{i:04d}", house=house)

    load(10, 0)
    # One statement: the ranked residents, or the houses with their occupants as JSON.
    with django_assert_num_queries(1):
        lookup(site_a, q, limit=200)
    load(90, 10)
    with django_assert_num_queries(1):
        result = lookup(site_a, q, limit=200)
    assert len(result.residents) + len(result.houses) == 100


def test_it_takes_one_letter_for_the_start_of_initials(site_a, records):
    # "s" is inside 张三丰's pinyin (zhang-san-feng) but starts no name here but none.
    assert names(lookup(site_a, "s")) == []
    assert set(names(lookup(site_a, "z"))) == {"张三丰", "张三"}
    assert names(lookup(site_a, "l")) == ["李四"]


def test_it_does_not_look_for_people_in_a_written_house_code(site_a, records):
    assert lookup(site_a, "3栋2单元1201").residents == []


@pytest.mark.parametrize("q", ["张%", "z_f", "张\\"])
def test_it_takes_like_wildcards_literally(site_a, records, q):
    assert lookup(site_a, q).residents == []


def test_it_says_more_only_when_there_is_more(site_a):
    for i in range(LOOKUP_LIMIT):
        factories.make_resident(site_a, f"欧阳{i}", f"1390000{i:04d}")
    result = lookup(site_a, "欧阳")
    assert (len(result.residents), result.more) == (LOOKUP_LIMIT, False)
    factories.make_resident(site_a, "欧阳多", "13900009999")
    result = lookup(site_a, "欧阳")
    assert (len(result.residents), result.more) == (LOOKUP_LIMIT, True)


def test_it_ranks_a_name_that_starts_with_the_query_above_one_that_contains_it(site_a):
    factories.make_resident(site_a, "欧阳三", "13900000001")  # contains 三, long pinyin
    factories.make_resident(site_a, "三毛", "13900000002")  # starts with 三
    assert names(lookup(site_a, "三"))[0] == "三毛"


def test_a_bare_number_shares_the_screen_between_rooms_and_phone_tails(site_a):
    # 1201 is a room in every building and the last digits of some phones: the rows of
    # one screen go two thirds to the houses, the rest to the phones.
    for building in range(1, 15):
        factories.make_house(site_a, building=building, unit=1, room="1201")
    for n in range(6):
        factories.make_resident(site_a, f"尾号{n}", f"1390000{n}201"[:7] + "1201")
    result = lookup(site_a, "1201")
    assert len(result.houses) == LOOKUP_LIMIT * 2 // 3
    assert len(result.residents) == LOOKUP_LIMIT - LOOKUP_LIMIT * 2 // 3
    assert len(result.houses) + len(result.residents) == LOOKUP_LIMIT
    assert result.more


# --- Edge cases of the typed query ----------------------------------------------------


@pytest.mark.parametrize("q", ["3-2", "3-2-", "3栋2单元", "３－２", "3/2"])
def test_building_and_entrance_alone_name_every_house_of_the_entrance(site_a, q):
    wanted = {
        factories.make_house(site_a, building=3, unit=2, room="1201").pk,
        factories.make_house(site_a, building=3, unit=2, room="202").pk,
    }
    factories.make_house(site_a, building=3, unit=1, room="201")  # room 2…, entrance 1
    factories.make_house(site_a, building=4, unit=2, room="201")
    factories.make_house(site_a, building=13, unit=2, room="201")
    assert {h.pk for h in lookup(site_a, q).houses} == wanted


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("８０００", "8000"),
        ("１３８００１３８０００", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138－0013－8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("（138）0013 8000", "13800138000"),
        ("ＺＳＦ", "zsf"),
        ("３－２－１２０１", "3-2-1201"),
        ("３栋２单元１２０１", "3栋2单元1201"),
        ("１２０１", "1201"),
    ],
)
def test_full_width_digits_and_separators_find_what_the_plain_form_finds(
    site_a, records, typed, plain
):
    want = lookup(site_a, plain)
    assert not want.empty
    got = lookup(site_a, typed)
    assert [r.pk for r in got.residents] == [r.pk for r in want.residents]
    assert [h.pk for h in got.houses] == [h.pk for h in want.houses]


def test_a_landline_is_found_however_its_parts_are_written(site_a):
    factories.make_resident(site_a, "王座机", "0571-88886601")
    for q in ["0571-88886601", "057188886601", "(0571)8888-6601", "0571 8888 6601", "6601"]:
        assert names(lookup(site_a, q)) == ["王座机"], q
    assert names(lookup(site_a, "0571888")) == []


def test_a_short_number_with_a_dash_is_both_a_house_and_a_phone(site_a):
    # 8888-6601 is a local number, and building 8888's room 6601 could be typed so too.
    house = factories.make_house(site_a, building=8888, unit=1, room="6601")
    factories.make_resident(site_a, "本地号", "88886601")
    result = lookup(site_a, "8888-6601")
    assert [h.pk for h in result.houses] == [house.pk]
    assert names(result) == ["本地号"]
