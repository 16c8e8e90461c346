"""Simplified Chinese input formats: ISO dates first.

Django's own ``zh_Hans`` formats write a date into a form field as ``2026/12/01``;
an ``<input type="date">`` accepts only ``2026-12-01`` and shows anything else as
blank, so in Chinese every date box looked empty and saving one cleared it. The
other Chinese ways of typing a date are still read.

Display: one way of writing a date everywhere, Django's long Chinese form
("2026年11月30日", "2026年11月30日 14:30", "2026年11月"), short forms included.
"""

DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"  # '11月30日' (Django's own pads the month: '05月3日')

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-01', what date inputs send and show
    "%Y/%m/%d",  # '2026/12/01'
    "%Y年%n月%j日",  # '2026年12月1日'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S.%f",
    "%Y年%n月%j日 %H:%M",
    "%Y年%n月%j日 %H:%M:%S",
]
