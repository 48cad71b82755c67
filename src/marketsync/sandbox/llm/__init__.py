"""The fake OpenAI-compatible language model the moderation talks to."""
