"""Numbers written in Chinese numerals, read exactly or refused: `五千二百` → 5200.

Accepted: the positional form (`一万零三`, `三千五百二十`, `十二`, financial `壹仟贰佰`, `两`
for 2), a digit-by-digit form (`二〇二一`), a decimal part after `点` and a leading `负`. Refused
(None): colloquial shortenings whose value a reader has to guess (`一万三` is 13000 in speech
but could be a typing slip for 10003; `一百二`), units out of order and anything else. The
result is a Decimal, so `三点一四` is exactly 3.14.

A library (cn2an) exists, but its lenient modes read the colloquial forms as a guess and its
strict mode refuses `两` and `〇`; the grammar below is small and decides every case explicitly.
"""

from __future__ import annotations

from decimal import Decimal

DIGITS: dict[str, int] = {
    **dict.fromkeys("零〇○", 0),
    **dict.fromkeys("一壹", 1),
    **dict.fromkeys("二贰两", 2),
    **dict.fromkeys("三叁", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陆", 6),
    **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖", 9),
}
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"亿": 10**8, "万": 10**4}
POINT = "点"
MINUS = "负"
NUMERAL_CHARACTERS = frozenset((*DIGITS, *SMALL_UNITS, *BIG_UNITS, POINT))


def numeral_prefix(text: str) -> str:
    """The longest start of `text` made of numeral characters (with a leading 负)."""
    end = 1 if text.startswith(MINUS) else 0
    while end < len(text) and text[end] in NUMERAL_CHARACTERS:
        end += 1
    return text[:end] if end > (1 if text.startswith(MINUS) else 0) else ""


def parse_chinese_number(text: str) -> Decimal | None:
    """The exact value of a Chinese numeral, None when it is not a well-formed one."""
    negative = text.startswith(MINUS)
    body = text[1:] if negative else text
    whole, _, fraction = body.partition(POINT)
    if POINT in fraction or not whole or (POINT in body and not fraction):
        return None
    integer = _integer(whole)
    if integer is None:
        return None
    value = Decimal(integer)
    if fraction:
        if any(ch not in DIGITS for ch in fraction):
            return None
        value += Decimal("0." + "".join(str(DIGITS[ch]) for ch in fraction))
    return -value if negative else value


def _integer(text: str) -> int | None:
    if all(ch in DIGITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))  # 二〇二一, 五
    return _with_big_units(text, top=True)


def _with_big_units(text: str, top: bool) -> int | None:
    """`<left>亿<right>` / `<left>万<right>`: the right part must be zero-led or full-width."""
    for unit, size in BIG_UNITS.items():
        left, found, right = text.rpartition(unit)
        if not found:
            continue
        high = _with_big_units(left, top) if left else None
        if high is None:
            return None
        if not right:
            return high * size
        low = _with_big_units(right.removeprefix("零"), top=False)
        zero_led = right.startswith("零")
        if low is None or zero_led == (low >= size // 10) or low >= size:
            return None  # 一万三 (a guess), 一万零三千 (a stray 零)
        return high * size + low
    return _section(text, top)


def _section(text: str, top: bool) -> int | None:
    """Below 万: digit-unit pairs in falling order, 零 between gaps, a last digit after 十/零."""
    total, digit, last_unit = 0, None, 10**4
    for i, ch in enumerate(text):
        if ch in DIGITS:
            if digit is not None:
                return None
            digit = DIGITS[ch] or None  # 零 marks a gap
        elif ch in SMALL_UNITS:
            size = SMALL_UNITS[ch]
            if size >= last_unit:
                return None
            if digit is None and not (i == 0 and size == 10 and top):
                return None  # 百 without a digit; only a leading 十 may stand alone (十二)
            total += (1 if digit is None else digit) * size
            digit, last_unit = None, size
        else:
            return None
    if digit is not None:
        if last_unit not in (10, 10**4) and not _zero_before_last(text):
            return None  # 一百二 (colloquial 120)
        total += digit
    return total if text else None


def _zero_before_last(text: str) -> bool:
    return len(text) >= 2 and DIGITS.get(text[-2]) == 0
