"""Database faults on purpose: a write that fails at exactly the point under test."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def db_refuses(model, *, operation: str, when: str = ""):
    """A database trigger that makes every `operation` (INSERT or UPDATE) on `model`'s table
    fail while `when` (SQL on NEW) holds: a write that fails for reasons of its own, like a
    full disk or a lost connection, at exactly the point under test."""
    table = model._meta.db_table
    name = f"test_refuse_{table}"
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION 'refused by the test trigger'; END $$ LANGUAGE plpgsql"
            )
            condition = f"WHEN ({when})" if when else ""
            cursor.execute(
                f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW "
                f"{condition} EXECUTE FUNCTION {name}()"
            )
        else:
            condition = f"WHEN {when}" if when else ""
            cursor.execute(
                f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW {condition} "
                f"BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if postgres:
                cursor.execute(f"DROP TRIGGER {name} ON {table}")
                cursor.execute(f"DROP FUNCTION {name}()")
            else:
                cursor.execute(f"DROP TRIGGER {name}")
