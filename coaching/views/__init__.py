"""The coaching pages: sessions, the overview and timeline, improvement plans, the calendar."""
