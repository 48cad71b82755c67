"""VK API emulator: the market methods, photo upload, groups.getById and execute, per access token."""
