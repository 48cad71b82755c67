"""Wire models of the OpenAI chat completion API (the fields we send and read), and the JSON answer the moderation
prompt asks the model for."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator


class ChatMessage(BaseModel):
    """One message of a conversation."""

    role: Literal["system", "user", "assistant", "developer"]
    content: str


class ChatRequest(BaseModel):
    """`POST /chat/completions` body: the model, the messages, and JSON mode when a JSON answer is asked for."""

    model: str
    messages: list[ChatMessage]
    temperature: float = 0.0
    response_format: dict[str, str] | None = None


class AnswerMessage(BaseModel):
    """The assistant's message of one choice (content is null when a model answers with tool calls only)."""

    role: str = "assistant"
    content: str | None = None


class Choice(BaseModel):
    """One completion choice."""

    index: int = 0
    message: AnswerMessage
    finish_reason: str | None = None


class ChatResponse(BaseModel):
    """The chat completion object: we read `choices[0].message.content` and echo `model` into the log."""

    model: str = ""
    choices: list[Choice] = Field(min_length=1)


class ErrorDetail(BaseModel):
    """OpenAI's error envelope's inner object."""

    message: str = ""
    type: str | None = None
    code: str | int | None = None


class ErrorBody(BaseModel):
    """`{"error": {...}}`."""

    error: ErrorDetail


class ModerationAnswer(BaseModel):
    """What the moderation prompt asks the model to answer: a verdict and its reasons (a rejection needs one)."""

    verdict: Literal["approve", "reject"]
    reasons: list[str] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _reject_says_why(self) -> ModerationAnswer:
        self.reasons = [reason.strip()[:500] for reason in self.reasons if reason and reason.strip()]
        if self.verdict == "reject" and not self.reasons:
            raise ValueError("a rejection must give at least one reason")
        return self
