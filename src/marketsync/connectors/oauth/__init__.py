"""Social sign-in providers on the wire: VK ID, Yandex ID and Google (OpenID Connect) through Authlib, and the
Telegram Login Widget's signed fields. Knows endpoints and payloads only; who the person becomes is accounts'."""
