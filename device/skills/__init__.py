"""Skills: what the device can answer, and how a request finds its skill.

- :mod:`device.skills.base`: the :class:`Skill` / :class:`SkillContext` /
  :class:`Answer` interface;
- :mod:`device.skills.builtin`: the skills the device ships with;
- :mod:`device.skills.matcher`: fuzzy, garble-tolerant intent matching;
- :mod:`device.skills.registry`: the skill set, its grammar, and dispatch.
"""

from device.skills.base import Answer, Skill, SkillContext
from device.skills.matcher import DEFAULT_THRESHOLD, Intent, IntentMatcher, Match
from device.skills.registry import KeywordSkill, SkillRegistry, default_registry

__all__ = [
    "DEFAULT_THRESHOLD",
    "Answer",
    "Intent",
    "IntentMatcher",
    "KeywordSkill",
    "Match",
    "Skill",
    "SkillContext",
    "SkillRegistry",
    "default_registry",
]
