"""Periodic jobs of the certificates domain."""
from datetime import date

from training.certificates.services import send_expiry_reminders
from training.jobs import periodic_job


@periodic_job("certificates.expiry-reminders", "daily")
def expiry_reminders(today: date) -> str:
    """Напомнить владельцам и кадровой службе об истечении срока действия документов (за 90 и 30 дней)."""
    holders, digests = send_expiry_reminders(today)
    return f"напоминаний владельцам: {holders}, сводок кадровой службе: {digests}"
