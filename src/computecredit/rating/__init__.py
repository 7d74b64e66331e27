"""Borrower rating: the portable points-model format, master scale, statistical scorecards and a GBM
challenger, validation, the ratio library and the compute-chain expert model.

>>> from computecredit.rating import load_master_scale
>>> load_master_scale().grade_for_pd(0.01).code
'BB+'
"""

from computecredit.rating.master_scale import Grade, MasterScale, load_master_scale
from computecredit.rating.points import (
    Calibration,
    CategoricalBinning,
    InteractionTerm,
    NumericBinning,
    PointsModel,
    PointsTerm,
    Scaling,
    ScoreResult,
)

__all__ = [
    "Calibration",
    "CategoricalBinning",
    "Grade",
    "InteractionTerm",
    "MasterScale",
    "NumericBinning",
    "PointsModel",
    "PointsTerm",
    "Scaling",
    "ScoreResult",
    "load_master_scale",
]
