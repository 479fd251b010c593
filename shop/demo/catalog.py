"""Demo catalog."""


def seed(*, out) -> None:
    pass
