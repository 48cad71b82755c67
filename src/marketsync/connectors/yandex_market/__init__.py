"""Yandex Market Partner API: stock channel of an FBS/DBS campaign (shop) of one business (cabinet)."""
