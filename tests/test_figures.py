"""Every rule of the figure reader, one table each, with exact values.

The texts are written for these tests. Each case names the exact number, unit, bounds, hedge
and sign, so a changed scale, a dropped half or a flipped sign fails a case.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from econkg.figures import (
    chinese_to_int,
    close,
    decimal_literal,
    detect_approximation,
    direction,
    find_figures,
    normalise,
    parse_decimal,
    read_quote,
    sign_on_line,
    to_decimal,
)


def one(text: str):
    figures = [f for f in find_figures(text) if f.unit is not None]
    assert len(figures) == 1, [(text[f.start:f.end], f.value) for f in figures]
    return figures[0]


# --- numerals ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("零", 0), ("一", 1), ("九", 9), ("十", 10), ("十四", 14), ("二十", 20), ("二十三", 23),
    ("一百", 100), ("百", 100), ("一百零五", 105), ("七千", 7000), ("三千五百", 3500),
    ("一万", 10000), ("万", 10000), ("一万零五", 10005), ("三千五百万", 35000000),
    ("十四亿", 1400000000), ("两万亿", 2000000000000), ("万亿", 10 ** 12), ("千亿", 10 ** 11),
    ("百亿", 10 ** 10), ("二〇二五", 2025), ("一九九八", 1998), ("两", 2),
])
def test_chinese_numerals(text, value):
    assert chinese_to_int(text) == value


@pytest.mark.parametrize("bad", ["", "亿x", "abc"])
def test_not_a_chinese_numeral(bad):
    with pytest.raises(ValueError):
        chinese_to_int(bad)


@pytest.mark.parametrize("token, value", [
    ("27.3", D("27.3")), ("8,000", D(8000)), ("2,315.4", D("2315.4")), ("1 902.71", D("1902.71")),
    ("２０２５", D(2025)), ("３．５", D("3.5")), ("１，２００", D(1200)), ("十四", D(14)),
])
def test_to_decimal(token, value):
    assert to_decimal(token) == value


def test_normalise_keeps_length_and_maps_full_width_and_traditional():
    text = "出口２４．６億美元，煤炭３．２７億噸，增長１５％，兩國萬"
    out = normalise(text)
    assert len(out) == len(text)
    assert out == "出口24.6亿美元,煤炭3.27亿吨,增長15%,两國万"  # only number words


# --- figures on a line ------------------------------------------------------------------

@pytest.mark.parametrize("text, value, unit", [
    ("24.6億美元", D("2460000000"), "USD"),
    ("2,315.4萬美元", D("23154000"), "USD"),
    ("8,000美元", D(8000), "USD"),
    ("3.27亿吨", D("327000000"), "Tonne"),
    ("3.27億噸", D("327000000"), "Tonne"),
    ("１２．５万吨", D("125000"), "Tonne"),
    ("45.47万亿元", D("45470000000000"), "CNY"),
    ("3千万元", D("30000000"), "CNY"),
    ("7000卢布", D(7000), "RUB"),
    ("156萬桶/天", D(1560000), "BarrelPerDay"),
    ("43公里", D(43), "Kilometre"),
    ("七千公里", D(7000), "Kilometre"),
    ("时速40公里/小时", D(40), "KilometrePerHour"),
    ("3个", D(3), "Number"),
    ("500余种", D(500), "Number"),
    ("约一万人", D(10000), "Number"),
    ("突破万吨", D(10000), "Tonne"),
    ("百亿美元", D(10 ** 10), "USD"),
    ("1 902.71 亿美元", D("190271000000"), "USD"),
    ("0.3%", D("0.3"), "Percent"),
    ("２５％", D(25), "Percent"),
    ("1.4个百分点", D("1.4"), "PercentagePoint"),
    ("近300倍", D(300), "Times"),
    ("2.3倍", D("2.3"), "Times"),
    ("连续17年", D(17), "Year"),
    ("建交75周年", D(75), "Year"),
    ("10个月", D(10), "Month"),
    ("US$2.73 billion", D("2730000000"), "USD"),
    ("18.48 trillion yuan", D("18480000000000"), "CNY"),
])
def test_value_and_unit(text, value, unit):
    f = one(text)
    assert f.value == value
    assert f.unit == unit
    assert f.upper is None


@pytest.mark.parametrize("text, value, kind", [
    ("三分之一", D(100) / D(3), "percent"),
    ("四分之一", D(25), "percent"),
    ("百分之三十", D(30), "percent"),
    ("六成", D(60), "percent"),
    ("4成以上", D(40), "percent"),
    ("一半", D(50), "percent"),
    ("两位数", D(10), "percent"),
    ("第三大", D(3), "rank"),
    ("第 12 位", D(12), "rank"),
    ("前 20 名", D(20), "rank"),
    ("排名前二", D(2), "rank"),
])
def test_numbers_in_words(text, value, kind):
    f = one(text)
    assert close(f.value, value)
    assert f.kind == kind


@pytest.mark.parametrize("text, value, unit", [
    ("一年半", D("1.5"), "Year"),
    ("两个半月", D("2.5"), "Month"),
    ("3倍半", D("3.5"), "Times"),
])
def test_and_a_half_adds_exactly_one_half(text, value, unit):
    f = one(text)
    assert f.value == value
    assert f.unit == unit


def test_two_digit_only_where_printed():
    assert one("保持两位数增长").value == D(10)
    assert [f for f in find_figures("保持较快增长") if f.unit] == []
    assert D(10) not in read_quote("增长12%").numbers


@pytest.mark.parametrize("text, low, high, unit", [
    ("5000万至6000万吨", D(50000000), D(60000000), "Tonne"),
    ("5至6万吨", D(50000), D(60000), "Tonne"),
    ("90亿至100亿美元", D(9000000000), D(10000000000), "USD"),
    ("３－５％", D(3), D(5), "Percent"),
    ("五千万到六千万吨", D(50000000), D(60000000), "Tonne"),
])
def test_ranges(text, low, high, unit):
    f = one(text)
    assert (f.value, f.upper, f.unit) == (low, high, unit)


# A scale printed once, after the second number, belongs to both ends; the part of it the
# first number lacks is what it takes (3千至5千万: 万), and only if the range still rises.
@pytest.mark.parametrize("text, low, high, unit", [
    ("1至2万吨", D(10000), D(20000), "Tonne"),
    ("1～2万", D(10000), D(20000), None),
    ("１～２万", D(10000), D(20000), None),
    ("3-5亿", D(300000000), D(500000000), None),
    ("3-5亿美元", D(300000000), D(500000000), "USD"),
    ("2-3万亿元", D(2 * 10 ** 12), D(3 * 10 ** 12), "CNY"),
    ("5至6千万元", D(50000000), D(60000000), "CNY"),
    ("3千至5千万元", D(30000000), D(50000000), "CNY"),
    ("50至100万吨", D(500000), D(1000000), "Tonne"),
    ("两至三万吨", D(20000), D(30000), "Tonne"),
    ("两至三十万吨", D(200000), D(300000), "Tonne"),
    ("十至二十万人", D(100000), D(200000), "Number"),
    ("三十至五十万吨", D(300000), D(500000), "Tonne"),
    ("五十至一百万吨", D(500000), D(1000000), "Tonne"),
    ("一百至两百万吨", D(1000000), D(2000000), "Tonne"),
    ("三千至五千万元", D(30000000), D(50000000), "CNY"),
    ("8000至2万吨", D(8000), D(20000), "Tonne"),    # 8000万 would pass 2万: not shared
    ("八千至两万吨", D(8000), D(20000), "Tonne"),
    ("5万至6万吨", D(50000), D(60000), "Tonne"),    # printed twice: once each
    ("3至5成", D(30), D(50), "Percent"),
    ("三到四成", D(30), D(40), "Percent"),
])
def test_a_scale_printed_once_scales_both_ends(text, low, high, unit):
    f = one(text) if unit else find_figures(text)[0]
    assert (f.value, f.upper, f.unit) == (low, high, unit)
    assert f.start == 0 and f.end == len(text)


@pytest.mark.parametrize("quote, low, high", [
    ("1至2万吨", D(10000), D(20000)), ("3-5亿", D(300000000), D(500000000)),
    ("1～2万", D(10000), D(20000)), ("两至三万吨", D(20000), D(30000)),
    ("3千至5千万元", D(30000000), D(50000000)), ("3至5成", D(30), D(50)),
    ("1-2 million tonnes", D(1000000), D(2000000)),
])
def test_a_range_quote_reads_only_its_scaled_ends(quote, low, high):
    reading = read_quote(quote)
    assert reading.numbers + reading.percent_like == (low, high)


@pytest.mark.parametrize("quote, value", [
    ("10多万人", D(100000)), ("20余万吨", D(200000)), ("30多亿美元", D(3000000000)),
    ("三十多亿美元", D(3000000000)), ("100余万元", D(1000000)), ("2000多万", D(20000000)),
])
def test_more_than_before_a_scale_keeps_the_scale(quote, value):
    reading = read_quote(quote)
    assert reading.numbers == (value,)
    assert reading.approximation == "more-than"


@pytest.mark.parametrize("quote, wrong", [
    ("1至2万吨", D(1)), ("3-5亿", D(3)), ("US$2.73 billion", D("2.73")), ("3成", D(3)),
    ("三分之一", D(3)), ("30多亿美元", D(30)), ("2-3万亿元", D(2)),
])
def test_a_number_inside_a_figure_is_not_read_bare(quote, wrong):
    assert not read_quote(quote).matches(wrong)
    assert not read_quote(quote).matches(wrong, change=True)


def test_a_fall_range_is_negative_with_value_the_lower_bound():
    f = one("下降3至5%")
    assert (f.value, f.upper, f.sign) == (D(-5), D(-3), -1)


@pytest.mark.parametrize("text", ["2025年", "二〇二五年", "2024-2025年", "1998年代"])
def test_years_are_dates_not_figures(text):
    assert [f for f in find_figures(text) if f.unit] == []


def test_spans_cut_the_quote_as_printed():
    line = "今年中國對朝鮮出口２４．６億美元，同比下降了４．１％。"
    quotes = [line[f.start:f.end] for f in find_figures(line) if f.unit]
    assert quotes == ["２４．６億美元", "下降了４．１％"]


def test_many_figures_on_a_line():
    line = "，".join(f"{i}.5%" for i in range(200))
    figures = find_figures(line)
    assert [f.value for f in figures] == [D(f"{i}.5") for i in range(200)]


# --- the sign rule ----------------------------------------------------------------------

@pytest.mark.parametrize("text, value, sign", [
    ("下降了4.1%", D("-4.1"), -1),
    ("进口下降81%", D(-81), -1),
    ("逆差收窄了12.5%", D("-12.5"), -1),
    ("减少了两个百分点", D(-2), -1),
    ("同比降5%", D(-5), -1),
    ("下跌1成左右", D(-10), -1),
    ("回落0.3个百分点", D("-0.3"), -1),
    ("拉低了整体增速1.4个百分点", D("-1.4"), -1),
    ("负增长5%", D(-5), -1),
    ("exports fell 4.1%", D("-4.1"), -1),
    ("增长31.2%", D("31.2"), 1),
    ("同比暴涨25%", D(25), 1),
    ("提升1.8个百分点", D("1.8"), 1),
    ("增加了3个", D(3), 1),
    ("imports rose 5%", D(5), 1),
    ("降至5%", D(5), 0),
    ("下降到3%", D(3), 0),
    ("增至2.3倍", D("2.3"), 0),
    ("增速为5%", D(5), 0),              # a growth rate as a noun: as printed
    ("占全国的0.3%", D("0.3"), 0),
    ("-5%", D(-5), -1),                 # printed negative
])
def test_sign(text, value, sign):
    f = one(text)
    assert (f.value, f.sign) == (value, sign)


def test_sign_does_not_cross_a_clause():
    f = [f for f in find_figures("出口下降3%，进口5%") if f.unit]
    assert [(x.value, x.sign) for x in f] == [(D(-3), -1), (D(5), 0)]


def test_sign_carries_through_a_list():
    f = [f for f in find_figures("分别增长3.9%、4.9%和6%") if f.unit]
    assert [x.value for x in f] == [D("3.9"), D("4.9"), D(6)]


def test_direction_ignores_growth_rate_as_a_noun():
    text = "拉低了进口增速1.4个百分点"
    assert direction(text, text.index("1.4")) == -1
    assert direction("增速为5%", 3) == 0


# --- the build's check: matches ---------------------------------------------------------

@pytest.mark.parametrize("quote, value, ok", [
    ("27.3亿美元", D(2730000000), True),
    ("27.3亿美元", D(-2730000000), False),       # a level is never negative
    ("27.3亿美元", D(2370000000), False),        # transposed digits
    ("27.3亿美元", D(2457000000), False),        # 10 % off
    ("27.3亿美元", D(2730000000) * (1 + D("1e-10")), True),   # within 1e-9
    ("27.3亿美元", D(2730000000) * (1 + D("1e-8")), False),   # beyond 1e-9
    ("进口下降81%", D(-81), True),
    ("进口下降81%", D(81), False),               # a fall written as a rise
    ("增长25%", D(25), True),
    ("增长25%", D(-25), False),                  # a rise written as a fall
    ("收窄了12.5%", D("-12.5"), True),
    ("减少了两个百分点", D(-2), True),
    ("减少了两个百分点", D(2), False),
    ("六分之一", D("16.6666666667"), True),
    ("三分之一", D("33.3"), False),
    ("一半以上", D(50), True),
    ("九成以上", D(90), True),
    ("一年半", D("1.5"), True),
    ("一年半", D(1), False),                     # 一年半 is 1.5, its 一 is not a figure
    ("两位数", D(10), True),
    ("首位", D(1), True),
    ("第三大进口来源国", D(3), True),
    ("第 12 位", D(12), True),
    ("0.08 亿美", D(8000000), True),
    ("降至5%", D(5), True),
    ("降至5%", D(-5), False),
])
def test_matches(quote, value, ok):
    assert read_quote(quote).matches(value) is ok


def test_an_unsigned_quote_of_a_change_allows_either_sign_only_for_changes():
    reading = read_quote("1.4个百分点")
    assert reading.matches(D("-1.4"), change=True)
    assert reading.matches(D("1.4"), change=True)
    assert not reading.matches(D("-1.4"))
    # a quote that prints the direction fixes the sign even for a change
    assert not read_quote("增长1.4个百分点").matches(D("-1.4"), change=True)
    assert not read_quote("下降1.4个百分点").matches(D("1.4"), change=True)


def test_close_is_relative_with_a_floor_of_one():
    assert close(D(0), D("1e-10"))
    assert not close(D(0), D("1e-8"))
    assert close(D(10 ** 12), D(10 ** 12) + D(999))
    assert not close(D(10 ** 12), D(10 ** 12) + D(1001))


# --- approximation ----------------------------------------------------------------------

@pytest.mark.parametrize("quote, kind", [
    ("约23亿美元", "about"), ("23亿美元左右", "about"), ("大约5%", "about"),
    ("近19亿美元", "nearly"), ("将近一半", "nearly"), ("接近6成", "nearly"),
    ("超84%", "more-than"), ("超过7000亿美元", "more-than"), ("500余种", "more-than"),
    ("4亿多美元", "more-than"), ("九成以上", "more-than"), ("至少6成", "more-than"),
    ("两位数", "more-than"), ("逾千家", "more-than"), ("突破万吨", "more-than"),
    ("不足5%", "less-than"), ("不到一半", "less-than"), ("3%以下", "less-than"),
    ("27.3亿美元", None), ("nearly 3 billion", "nearly"),
])
def test_approximation(quote, kind):
    assert detect_approximation(quote) == kind


def test_the_figure_carries_its_hedge():
    assert one("约23亿美元").approx == "about"
    assert one("九成以上").approx == "more-than"
    assert one("27.3亿美元").approx is None


# --- seed cells -------------------------------------------------------------------------

@pytest.mark.parametrize("text, literal", [
    ("2730000000", "2730000000.0"), ("-4.1", "-4.1"), ("16.6666666667", "16.6666666667"),
    ("0", "0.0"), ("1e3", "1000.0"), ("2.50", "2.5"),
])
def test_decimal_literal(text, literal):
    assert decimal_literal(parse_decimal(text)) == literal


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", ""])
def test_parse_decimal_rejects(bad):
    with pytest.raises(ValueError):
        parse_decimal(bad)


def test_chinese_numerals_agree_with_cn2an():
    """cn2an writes the numerals; our reader must read every one back (an outside oracle)."""
    cn2an = pytest.importorskip("cn2an")
    import random

    rng = random.Random(7)
    numbers = [*range(0, 1200), *(rng.randint(0, 10 ** 13) for _ in range(800))]
    wrong = [(n, cn2an.an2cn(n)) for n in numbers if chinese_to_int(cn2an.an2cn(n)) != n]
    assert wrong == []


# --- what the reader reports beside the value (kind, span, hedge), for the mutation run ----

@pytest.mark.parametrize("text, quote, kind, unit, sign", [
    ("排第三大贸易伙伴", "第三大", "rank", "Position", 0),
    ("下降为第 12 位", "第 12 位", "rank", "Position", 0),
    ("居首位", "首位", "rank", "Position", 0),
    ("最大的贸易伙伴", "最大", "rank", "Position", 0),
    ("位居前 20 名", "位居前 20 名", "rank", "Position", 0),
    ("超过一半", "超过一半", "percent", "Percent", 0),
    ("增长两位数", "增长两位数", "percent", "Percent", 1),
    ("约三分之一", "约三分之一", "percent", "Percent", 0),
    ("下降1成", "下降1成", "percent", "Percent", -1),
    ("历时两个半小时", "两个半小时", "duration", "Hour", 0),
    ("增长25%左右", "增长25%左右", "percent", "Percent", 1),
    ("近300倍", "近300倍", "times", "Times", 0),
    ("4亿多美元", "4亿多美元", "money", "USD", 0),
    ("RMB 5 billion", "5 billion", "money", "CNY", 0),
    ("¥5 billion", "5 billion", "money", "CNY", 0),
    ("$5 billion", "5 billion", "money", "USD", 0),
    ("3.5 bn yuan", "3.5 bn yuan", "money", "CNY", 0),
])
def test_kind_span_and_sign(text, quote, kind, unit, sign):
    f = one(text)
    assert (text[f.start:f.end], f.kind, f.unit, f.sign) == (quote, kind, unit, sign)
    assert f.start <= f.number_start < f.number_end <= f.end


@pytest.mark.parametrize("text, value, upper", [
    ("5 to 6 million tonnes", D(5000000), D(6000000)),
    ("3-5 billion dollars", D(3000000000), D(5000000000)),
])
def test_english_ranges_scale_both_ends(text, value, upper):
    f = one(text)
    assert (f.value, f.upper) == (value, upper)


@pytest.mark.parametrize("text", ["1990年代", "2025年初", "2025年底", "2024年度"])
def test_year_words_are_not_durations(text):
    assert [f for f in find_figures(text) if f.unit] == []


def test_a_range_that_falls_is_not_a_range():
    f = find_figures("5-3吨")
    assert (f[0].value, f[0].upper, f[0].unit, f[0].end) == (D(5), None, None, 1)


def test_reading_lists_percent_words_apart_from_numbers():
    r = read_quote("一半")
    assert r.percent_like == (D(50),)
    assert D(50) not in r.numbers
    r = read_quote("25%")
    assert r.numbers == (D(25),) and r.percent_like == ()
    r = read_quote("5000万至6000万吨")
    assert D(60000000) in r.numbers and D(50000000) in r.numbers
    assert read_quote("约23亿美元").approximation == "about"
    assert read_quote("27.3亿美元").approximation is None


def test_reading_keeps_the_sign_of_each_candidate():
    (c,) = [c for c in read_quote("下降了4.1%").candidates if c.value == D("-4.1")]
    assert (c.sign, c.percent) == (-1, False)
    assert all(c.sign == 1 for c in read_quote("增长3%").candidates)
    assert read_quote("-5%").matches(D(-5))
    assert not read_quote("-5%").matches(D(5), change=True)


def test_close_at_the_edge_of_the_tolerance():
    assert close(D(1000) + D("0.000001"), D(1000))            # exactly 1e-9 relative
    assert not close(D("1.5") + D("1.6e-9"), D("1.5"))        # the floor is 1, not 2
    assert close(D("1.5") + D("1.4e-9"), D("1.5"))


def test_error_messages_say_what_is_wrong():
    with pytest.raises(ValueError, match="not a number"):
        parse_decimal("abc")
    with pytest.raises(ValueError, match="not a finite number"):
        parse_decimal("NaN")
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        chinese_to_int("")
    with pytest.raises(ValueError, match="not a Chinese numeral: 'x'"):
        chinese_to_int("x")


# --- what only the bare pass reads, and the sign on a whole line ------------------------

@pytest.mark.parametrize("quote, candidates", [
    ("五是朝鲜口", [(D(5), 0, False)]),                 # a numeral with no unit
    ("排名下降三位", [(D(-3), -1, False)]),             # ... signed by the words before it
    ("2025年", [(D(2025), 0, False)]),                  # a year: printed, never a figure
    ("最大原油供应国", [(D(1), 0, False)]),             # a rank in words: first
    ("额度最高的是机电设备", [(D(1), 0, False)]),
    ("增长5%，其中出口增长5%", [(D(5), 1, False)]),     # one candidate, however often
    ("出口增长3%，五是朝鲜口", [(D(3), 1, False), (D(5), 0, False)]),
    ("5 per cent", [(D(5), 0, False)]),                 # printed in digits: a number
    ("3至5成", [(D(30), 0, True), (D(50), 0, True)]),   # tenths: both ends in words
    ("3-5亿美元", [(D(300000000), 0, False), (D(500000000), 0, False)]),
])
def test_reading_candidates_exactly(quote, candidates):
    got = [(c.value, c.sign, c.percent) for c in read_quote(quote).candidates]
    assert got == candidates


def test_an_unsigned_range_of_a_change_allows_either_sign_at_both_ends():
    r = read_quote("3-5亿美元")
    assert r.matches(D(-500000000), change=True) and r.matches(D(-300000000), change=True)
    assert not r.matches(D(-500000000))
    assert not read_quote("最大原油供应国").matches(D(2))


@pytest.mark.parametrize("line, quote, sign", [
    ("今年出口下降了4.1%，进口增长5%", "4.1%", -1),     # the direction word is outside
    ("今年出口下降了4.1%，进口增长5%", "5%", 1),
    ("今年出口下降了4.1%，进口增长5%", "下降了4.1%", -1),
    ("进口占全国的0.3%", "0.3%", 0),
    ("排名下降三位", "三位", -1),                       # no figure: the words before it
    ("今年出口下降了4.1%", "7%", 0),                    # not on the line
    ("下降了4.1%，进口增长5%", "下降了4.1%", -1),         # a quote that opens the line
    ("出口下降5%，进口增长5%", "5%", -1),                # printed twice: the first
    ("进口增长-5%", "-5%", -1),                         # its own minus, not 增长
    ("出口下降5%", "出口下降", 0),                       # no figure in the quote
])
def test_sign_on_line(line, quote, sign):
    assert sign_on_line(line, quote) == sign


# --- dates, spans and kinds the mutation run found unheld --------------------------------

@pytest.mark.parametrize("text, value, upper, unit", [
    ("年产2000至3000吨", D(2000), D(3000), "Tonne"),      # year-like, but tonnes
    ("年产2000-2500万吨", D(20000000), D(25000000), "Tonne"),
    ("1800至2000美元", D(1800), D(2000), "USD"),
    ("历史长达两千年", D(2000), None, "Year"),            # a duration of 2000 years
    ("2000多万人", D(20000000), None, "Number"),
])
def test_year_like_numbers_with_a_unit_or_scale_are_figures(text, value, upper, unit):
    f = one(text)
    assert (f.value, f.upper, f.unit) == (value, upper, unit)


@pytest.mark.parametrize("text", ["上世纪90年代以来", "24年初的", "24年底前", "24年末时",
                                  "24年度的", "小学三年级学生"])
def test_years_written_short_and_school_years_are_not_durations(text):
    assert [f for f in find_figures(text) if f.unit] == []
    assert one("连续17年的").value == D(17)


@pytest.mark.parametrize("text", ["2024至2025年", "2024到2025赛季", "2019-2025年间",
                                  "1990年代以来", "2025年初的"])
def test_year_ranges_and_year_words_are_dates(text):
    assert [f for f in find_figures(text) if f.unit] == []


@pytest.mark.parametrize("text, quote, approx", [
    ("exports fell by 5%", "fell by 5%", None),
    ("增速回落0.3个百分点", "回落0.3个百分点", None),    # 增速 is a noun, 回落 governs
    ("more than 5%", "more than 5%", "more-than"),
    ("less than 3 billion dollars", "less than 3 billion dollars", "less-than"),
    ("nearly 3 billion dollars", "nearly 3 billion dollars", "nearly"),
    ("about 5%", "about 5%", "about"),
])
def test_the_quote_span_takes_the_hedge_and_the_direction_word(text, quote, approx):
    f = one(text)
    assert (text[f.start:f.end], f.approx) == (quote, approx)


@pytest.mark.parametrize("text, value, kind, sign", [
    ("增长最快的第三大市场", D(3), "rank", 0),          # a rank never takes a sign
    ("增长最快的前 20 名", D(20), "rank", 0),
    ("增长最快的最大贸易伙伴", D(1), "rank", 0),
    ("出口增长贡献了一半", D(50), "percent", 0),        # half of a growth is a share
    ("下降0至5%", D(-5), "percent", -1),                # a fall range from 0 is negative
    ("三个小时半", D("3.5"), "duration", 0),
    ("3至5成", D(30), "percent", 0),
])
def test_kind_and_sign_of_words(text, value, kind, sign):
    f = one(text)
    assert (f.value, f.kind, f.sign) == (value, kind, sign)


def test_the_second_rank_of_a_pair_and_a_bare_number_kind():
    f = find_figures("增长最快的第二、第三大市场")
    assert [(x.value, x.kind, x.unit, x.sign) for x in f] == [
        (D(2), "rank", "Position", 0), (D(3), "rank", "Position", 0)]
    (bare,) = find_figures("共5")
    assert (bare.value, bare.unit, bare.kind) == (D(5), None, "number")


@pytest.mark.parametrize("text, value", [
    ("亿", 10 ** 8), ("二五", 25), ("〇五", 5), ("四万万", 4 * 10 ** 8), ("一亿亿", 10 ** 16),
])
def test_more_chinese_numerals(text, value):
    assert chinese_to_int(text) == value


def test_an_empty_numeral_says_so_exactly():
    with pytest.raises(ValueError, match=r"^not a Chinese numeral: ''$"):
        chinese_to_int("")


@pytest.mark.parametrize("line, values", [
    ("一是出口增长5%，二是进口下降3%", [D(5), D(-3)]),   # numerals as words, then figures
    ("2025年出口增长5%", [D(5)]),                        # a year, then a figure
    ("十是2024年至2025年间增长了两成", [D(20)]),
])
def test_words_and_dates_before_a_figure_do_not_hide_it(line, values):
    assert [f.value for f in find_figures(line) if f.unit] == values


@pytest.mark.parametrize("text, value, upper, unit", [
    ("3.5 bn yuan", D(3500000000), None, "CNY"),
    ("12 mn tonnes", D(12000000), None, "Tonne"),
    ("5 million to 2 billion dollars", D(5000000), D(2000000000), "USD"),
    ("500 mn to 2 bn dollars", D(500000000), D(2000000000), "USD"),
    ("5 to 6 bn dollars", D(5000000000), D(6000000000), "USD"),
    ("1至1万吨", D(1), D(10000), "Tonne"),      # 1万 to 1万 is no range: 1 to 10000
    ("RMB 5 billion", D(5000000000), None, "CNY"),
    ("USD 5 billion", D(5000000000), None, "USD"),
])
def test_english_scales_and_the_currency_before_a_number(text, value, upper, unit):
    f = one(text)
    assert (f.value, f.upper, f.unit) == (value, upper, unit)


def test_direction_words_longest_first_and_english_whole_words():
    from econkg.figures.scan import _word_rx

    assert _word_rx(("降", "降幅", "up", "下降")) == r"降幅|\bup\b|下降|降"
    assert direction("降幅为5%", 4) == -1 and direction("setup 5%", 6) == 0
