"""The Casdoor identity bridge: every user of ours, and their cabinet's balance, mirrored into Casdoor."""
