"""Fake contact persons for the county forms: a Chinese name and an 11-digit mobile number.

Personal data in the real files; here invented, so that the pipeline can prove it never lets
them reach the mart, a report or an alert.
"""

from __future__ import annotations

import numpy as np

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯"
    "于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞辉建国志海波宁"
    "欣怡晨阳宇浩然凯文佳琪雪梅晓东春燕永亮金龙立新丹俊博彬斌婷倩颖"
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
)


def fake_name(rng: np.random.Generator) -> str:
    """A plausible Chinese person name: surname and one or two given-name characters."""
    surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
    length = 1 if rng.random() < 0.3 else 2
    given = "".join(
        GIVEN_CHARACTERS[int(rng.integers(len(GIVEN_CHARACTERS)))] for _ in range(length)
    )
    return surname + given


def fake_mobile(rng: np.random.Generator) -> str:
    """A plausible mainland mobile number (11 digits)."""
    prefix = MOBILE_PREFIXES[int(rng.integers(len(MOBILE_PREFIXES)))]
    return prefix + "".join(str(int(d)) for d in rng.integers(0, 10, 8))
