"""Demo orders."""


def seed(*, out) -> None:
    pass
