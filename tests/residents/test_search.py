from residents.models import SearchTerm
from residents.search import (
    HouseCode,
    Reading,
    name_search_keys,
    normalize_query,
    parse_house_code,
    read_query,
    terms_for,
)

Kind = SearchTerm.Kind


def test_it_makes_pinyin_and_initials():
    assert name_search_keys("张三丰") == ("zhangsanfeng", "zsf")


def test_it_indexes_every_suffix_of_name_pinyin_and_initials():
    terms = {(t, k) for t, k, _ in terms_for("张三丰", [])}
    assert {("张三丰", Kind.NAME), ("三丰", Kind.NAME), ("丰", Kind.NAME)} <= terms
    assert {("zhangsanfeng", Kind.PINYIN), ("sanfeng", Kind.PINYIN), ("feng", Kind.PINYIN)} <= terms
    assert {("zsf", Kind.INITIALS), ("sf", Kind.INITIALS), ("f", Kind.INITIALS)} <= terms


def test_it_indexes_whole_phones_and_their_last_four_digits():
    terms = terms_for("李四", ["138-0013-8000", ""])
    assert ("13800138000", Kind.PHONE, 0) in terms
    assert ("8000", Kind.PHONE, 7) in terms


def test_it_indexes_plates_with_and_without_the_province():
    terms = {t for t, k, _ in terms_for("王五", [], ["浙A·12345"]) if k == Kind.PLATE}
    assert terms == {"浙a12345", "a12345"}


def test_it_reads_every_house_code_form():
    assert parse_house_code("3栋2单元1201") == HouseCode(3, 2, "1201")
    assert parse_house_code("3幢2单元1201室") == HouseCode(3, 2, "1201")
    assert parse_house_code("3-2-1201") == HouseCode(3, 2, "1201")
    assert parse_house_code("3-1201") == HouseCode(3, None, "1201")
    assert parse_house_code("3栋1201") == HouseCode(3, None, "1201")
    assert parse_house_code("1201") == HouseCode(None, None, "1201")
    assert parse_house_code("3-2-12") == HouseCode(3, 2, "12")


def test_it_does_not_take_names_or_phones_for_houses():
    assert parse_house_code("张三") is None
    assert parse_house_code("13800138000") is None
    assert parse_house_code("3-2-1201-5") is None


def test_it_cleans_the_query():
    assert normalize_query("  Zhang San ") == "zhangsan"
    assert len(normalize_query("x" * 10_000)) == 64
    assert normalize_query("张\x00三\x1f") == "张三"


def test_building_and_entrance_alone_are_a_code_without_a_room():
    for q in ["3-2", "3-2-", "3栋2单元", "3/2"]:
        assert parse_house_code(q) == HouseCode(3, 2, ""), q
    assert parse_house_code("3-12") == HouseCode(3, 12, "")
    # Three digits after one dash are a room being typed (3-1201).
    assert parse_house_code("3-120") == HouseCode(3, None, "120")
    assert parse_house_code("3栋2") == HouseCode(3, None, "2")


def test_it_reads_full_width_characters_as_ascii():
    assert normalize_query("３８２４") == "3824"
    assert normalize_query("ＺＳＦ") == "zsf"
    assert normalize_query("３－２－１２０１") == "3-2-1201"


def test_it_reads_digits_whole():
    # A phone key is matched whole: the lookup never completes the digits typed so far.
    assert read_query("1530") == Reading(HouseCode(None, None, "1530"), "1530", whole=True)
    assert read_query("1530123") == Reading(None, "1530123", whole=True)
    assert read_query("153") == Reading(HouseCode(None, None, "153"), "", whole=True)
    assert read_query("zsf") == Reading(None, "zsf", whole=False)
    assert read_query("3-2-1201") == Reading(HouseCode(3, 2, "1201"), "")


def test_it_reads_a_phone_typed_with_separators_as_its_digits():
    assert read_query("155-8104-6576") == Reading(None, "15581046576", whole=True)
    assert read_query("+8615581046576") == Reading(None, "15581046576", whole=True)
    assert read_query("0571-8888-6601") == Reading(None, "057188886601", whole=True)
    # As short as a house code: both.
    assert read_query("8888-6601") == Reading(HouseCode(8888, None, "6601"), "88886601", True)
