"""Settings: `base` reads the environment; `local`, `test` and `production` are small overlays."""
