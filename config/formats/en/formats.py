"""English display formats: one way of writing a date everywhere.

Django's English writes a date two ways ("Nov. 30, 2026" and "11/30/2026", the
short form, which half the world reads as the 11th of the 30th month), so one
page could show both. Every date here reads "30 Nov 2026" (day, month's short
name, year: unambiguous in every English) and every time "14:30". Input formats
stay Django's (ISO first, what date inputs send).
"""

DATE_FORMAT = "j M Y"  # '30 Nov 2026'
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j M Y, H:i"  # '30 Nov 2026, 14:30'
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"  # 'November 2026'
MONTH_DAY_FORMAT = "j M"  # '30 Nov'
