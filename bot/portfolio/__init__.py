"""The company's prospects as Tourbot finds them while an agent types: a search over Propexo's
CRM prospects, kept fresh behind the scenes.
"""

from bot.portfolio.prospects import ProspectSearch

__all__ = ["ProspectSearch"]
