"""Helpers shared by every test folder (the root conftest puts ``tests/`` on the path: ``import support``)."""
