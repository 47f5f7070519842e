"""Booking a tour: the form an agent fills, and the Propexo request body it becomes."""

from bot.booking.appointment import EliseAIAppointment
from bot.booking.draft import BookingDraft, prepare_booking
from bot.booking.fields import (
    BEDROOM_CHOICES,
    format_dollars,
    picked_bedrooms,
    tour_type_label,
)
from bot.booking.form import FIELD_LABELS, FormProblems, TourForm, build_appointment, read_form

__all__ = [
    "BEDROOM_CHOICES",
    "FIELD_LABELS",
    "BookingDraft",
    "EliseAIAppointment",
    "FormProblems",
    "TourForm",
    "build_appointment",
    "format_dollars",
    "picked_bedrooms",
    "prepare_booking",
    "read_form",
    "tour_type_label",
]
