from pypinyin import lazy_pinyin


def name_search_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a Chinese name: 张三丰 → ("zhangsanfeng", "zsf")."""
    syllables = lazy_pinyin(name, errors="ignore")
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return full[:200], initials[:50]
