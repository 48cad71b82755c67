"""YML feeds out: the cabinet's catalog as Yandex Market Language files at secret, stable URLs."""
