import contextlib
import logging
from logging.config import fileConfig

from flask import current_app
from sqlalchemy import event

from alembic import context
from alembic.util import CommandError

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger('alembic.env')


def get_engine():
    return current_app.extensions['migrate'].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def render_item(type_, obj, autogen_context):
    """Render our UTC datetime decorator as the plain column type it stores."""
    from training.db import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def _emit_begin(connection):
    connection.exec_driver_sql("BEGIN")


@contextlib.contextmanager
def sqlite_upgrade_as_one_transaction(connection):
    """On SQLite, run every migration of the command in one real transaction, with foreign keys off.

    Batch mode rebuilds a table (copy, drop the old one, rename): with foreign keys enforced, dropping the old
    table fails on rows that reference it, or cascade-deletes them. So enforcement is off while migrations run,
    and `PRAGMA foreign_key_check` must find no broken reference that was not there before, or nothing is
    committed. pysqlite opens transactions only before INSERT/UPDATE/DELETE (DDL would autocommit), so the
    driver's own transaction handling is switched off and BEGIN is emitted here: a failing migration leaves the
    database exactly as it was."""
    dbapi_connection = connection.connection.dbapi_connection
    legacy_isolation = dbapi_connection.isolation_level
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, or SQLite ignores it
    if dbapi_connection.execute("PRAGMA foreign_keys").fetchone()[0]:
        dbapi_connection.isolation_level = legacy_isolation
        raise CommandError("Не удалось отключить внешние ключи SQLite на время миграций: ничего не изменено.")
    event.listen(connection, "begin", _emit_begin)
    try:
        yield
    finally:
        event.remove(connection, "begin", _emit_begin)
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.isolation_level = legacy_isolation


def broken_references(connection) -> set[tuple]:
    return {tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check")}


def check_no_new_broken_references(connection, before: set[tuple]):
    broken = sorted(broken_references(connection) - before, key=str)
    if broken:
        details = "; ".join(f"{table} rowid {rowid} → {parent}" for table, rowid, parent, _ in broken[:20])
        raise CommandError(f"Миграция нарушила бы внешние ключи ({len(broken)} строк), база не изменена: {details}")


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    conf_args.setdefault("render_item", render_item)

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            conf_args.setdefault("transactional_ddl", True)
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        with sqlite_upgrade_as_one_transaction(connection) if sqlite else contextlib.nullcontext():
            with context.begin_transaction():
                before = broken_references(connection) if sqlite else set()
                context.run_migrations()
                if sqlite:
                    check_no_new_broken_references(connection, before)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
