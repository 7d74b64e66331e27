"""Request and response bodies of the authentication API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class TokenRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    username: str
    role: str


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    authenticated_by: str
    branch: dict[str, Any] = Field(description="the branch the user works at: code, names, level, parent")
    sees_whole_bank: bool = Field(description="whether the user sees every branch (the head office does)")
