"""Faithful emulators of Evotor and VK (DESIGN.md §7): one ASGI app for demo mode and the test-suite."""
