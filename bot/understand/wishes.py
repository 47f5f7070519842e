"""What the prospect wants: move-in date, lease term, budget, bedrooms and the kind of tour.

Each is taken only when it is said plainly, in a form the booking form reads; one said twice in
ways that disagree ("6 or 12 month lease", "in person or virtual") stays in the notes. Outside a
labelled field a number needs its cue ("2br", "$1,800", "12 month lease"); a number alone is
nothing. Each field has its own module; this one gathers them for the reader.
"""

from __future__ import annotations

from bot.understand.bedrooms import take_bedrooms
from bot.understand.budget import take_budget
from bot.understand.lease import take_lease
from bot.understand.move_in import take_move_in
from bot.understand.tour_type import take_tour_type

__all__ = ["take_bedrooms", "take_budget", "take_lease", "take_move_in", "take_tour_type"]
