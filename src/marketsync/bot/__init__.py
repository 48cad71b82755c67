"""The Telegram bot (aiogram 3): onboarding by WB API key, the menu, notification settings."""
