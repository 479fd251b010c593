"""The keyboard builder: components, preset builds, the custom build wizard and build
services (lubing, assembly, tuning) sold through the shop's cart."""
