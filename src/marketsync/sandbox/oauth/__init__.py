"""The social sign-in providers' emulators: VK ID, Yandex ID, Google (OIDC) and Telegram's login page."""
