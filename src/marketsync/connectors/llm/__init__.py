"""An OpenAI-compatible chat completion API (OpenAI, vLLM, llama.cpp, Ollama...): the moderation's language model."""
