"""Login, logout, API tokens and the user directory."""
