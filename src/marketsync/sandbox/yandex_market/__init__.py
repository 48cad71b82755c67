"""The Yandex Market Partner API emulator: businesses, shops (campaigns), the catalogue and stocks."""
