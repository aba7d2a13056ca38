"""Who is asking: standalone logins, host-mode profiles, the current principal."""
