from residents.models import SearchTerm
from residents.search import (
    HouseCode,
    name_search_keys,
    normalize_query,
    parse_house_code,
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
