"""Project (智算中心 project) as a first-class object; its engine inputs are a JSON document.

The schema of ``inputs`` belongs to the project engine (:mod:`computecredit.projects`); here it is an opaque
document that must be a JSON object.

>>> p = Project(code="ningxia_phase1", name="宁夏智算中心一期", borrower_uscc="91640100MA7X00001X",
...     hub="ningxia", inputs={"gpus": 2048})
>>> p.hub.en
'Ningxia'
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from computecredit.domain.borrowers import Hub, Province
from computecredit.domain.labels import lenient
from computecredit.domain.uscc import Uscc


class Project(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]{1,63}$", description="stable key, e.g. the YAML file's stem")
    name: str = Field(min_length=2, max_length=200)
    borrower_uscc: Uscc
    hub: Annotated[Hub | None, lenient(Hub)] = None
    province: Annotated[Province | None, lenient(Province)] = None
    inputs: dict[str, Any] = Field(default_factory=dict, description="the project engine's input document")


__all__ = ["Project"]
