"""Placeholder: filled by issue 17 (monitoring helper)."""


def send_monitoring_reminders(day):
    raise NotImplementedError
