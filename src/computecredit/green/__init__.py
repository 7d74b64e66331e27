"""Green assessment of data centres: PUE rules, GB 40879-2021 grades, energy, CO2, green-loan eligibility.

>>> from computecredit import green
>>> green.gb40879_grade(1.25)
2
"""

from computecredit.green.assessment import Check, GreenAssessment, assess, gb40879_grade, rule_citation

__all__ = ["Check", "GreenAssessment", "assess", "gb40879_grade", "rule_citation"]
