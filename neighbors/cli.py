"""Operator commands: demo data, bench data, users and roles, the scheduled tick."""
from contextlib import contextmanager

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from . import accounts, backup, demo, tick, two_factor
from .clock import utcnow
from .errors import DomainError
from .extensions import db
from .models import Community, Role
from .sharding import plan
from .open311.demo import DEMO_API_KEY

ROLE_CHOICE = click.Choice([role.value for role in Role])


def register(app) -> None:
    backup.register(app)
    for command in (demo_data, bench_data_command, demo_logins, demo_code, run_tick, user, sharding_plan):
        app.cli.add_command(command)


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@with_appcontext
def demo_data(if_empty: bool):
    """Build a realistic 思明区 for trying the app (refused in production)."""
    if current_app.config["NEIGHBORS_ENV"] == "production":
        raise click.ClickException("demo-data is refused when NEIGHBORS_ENV=production.")
    if if_empty and not demo.is_empty():
        click.echo("Database already has data; demo data not loaded.")
        return
    demo.build()
    click.echo("Demo data ready.")


@click.command("bench-data")
@click.option("--scale", type=click.Choice(["small", "district"]), default="small", show_default=True,
              help="small: one community; district: 98 communities, 300,000 residents, a year of records.")
@click.option("--seed", type=int, default=2024, show_default=True)
@with_appcontext
def bench_data_command(scale: str, seed: int):
    """Fill an empty database with synthetic data for benchmarks (refused in production)."""
    from . import bench_data

    try:
        result = bench_data.build(scale, seed=seed, progress=_community_progress)
    except bench_data.BenchDataRefused as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Bench data ({scale}) ready in {result['seconds']} s: "
               + ", ".join(f"{name} {count}" for name, count in sorted(result["rows"].items())))
    click.echo(f"Logins (password {bench_data.BENCH_PASSWORD}): "
               + ", ".join(f"{role} {phone}" for role, phone in bench_data.BENCH_PHONES.items()))


def _community_progress(done: int, total: int) -> None:
    if total > 1 and (done % 10 == 0 or done == total):
        click.echo(f"  community {done}/{total}", err=True)


@click.command("demo-logins")
def demo_logins():
    """Print the demo logins (password demo1234)."""
    click.echo(f"Demo logins (password {demo.DEMO_PASSWORD}):")
    for phone, name, who in demo.demo_logins():
        click.echo(f"  {phone}  {name}  {who}")
    click.echo("Staff and the admin then ask for a code: `flask --app neighbors demo-code` prints it, or add the key "
               f"{two_factor.DEMO_SECRET} to any authenticator app.")
    click.echo(f"Open311 API key of 鹭江道社区 (jurisdiction_id lujiangdao, for the 12345 hotline): {DEMO_API_KEY}")


@click.command("demo-code")
@with_appcontext
def demo_code():
    """Print the code the demo staff and admin logins ask for now (their published key; refused in production)."""
    if current_app.config["NEIGHBORS_ENV"] == "production":
        raise click.ClickException("demo-code is refused when NEIGHBORS_ENV=production.")
    click.echo(f"{two_factor.demo_code(utcnow())}  (valid for about 30 seconds; key {two_factor.DEMO_SECRET})")


@click.command("sharding-plan")
@with_appcontext
def sharding_plan():
    """Print the plan for sharding by community on Citus: what changes, and the statements that distribute."""
    result = plan(db.metadata)
    for heading, lines in (("Reference tables", result.reference), ("Distribution column made NOT NULL", result.not_null),
                           ("Primary keys", result.primary_keys), ("Unique constraints", result.unique_constraints),
                           ("Foreign keys between distributed tables", result.foreign_keys),
                           ("Statements", result.statements())):
        click.echo(f"-- {heading} ({len(lines)})")
        for line in lines:
            click.echo(line if heading == "Statements" else f"--   {line}")


@click.command("tick")
@with_appcontext
def run_tick():
    """Run the scheduled jobs once; safe to call every minute from several servers."""
    results = tick.run_all(utcnow())
    for name, count in results.items():
        click.echo(f"{name}: {count}")
    if any(count < 0 for count in results.values()):
        raise SystemExit(1)


user = AppGroup("user", help="Create users and change their roles.")


@user.command("create")
@click.option("--phone", required=True)
@click.option("--name", required=True)
@click.option("--password", required=True)
@click.option("--community", "community_name", required=True, help="Community name, e.g. 镇海社区")
@click.option("--role", "roles", multiple=True, type=ROLE_CHOICE)
def create_user(phone, name, password, community_name, roles):
    community = db.session.scalar(sa.select(Community).where(Community.name == community_name))
    if community is None:
        raise click.ClickException(f"No community named {community_name}.")
    with _refusals_as_click_errors():
        new_user = accounts.register_with_roles(phone, name, password, community.id, [Role(r) for r in roles],
                                                utcnow())
    click.echo(f"Created user {new_user.id} {new_user.phone} with roles {', '.join(sorted(new_user.roles))}.")


@user.command("grant")
@click.option("--phone", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE)
@click.option("--department", default="")
def grant(phone, roles, department):
    with _refusals_as_click_errors():
        target = accounts.find_by_phone(phone)
        accounts.grant_roles(None, target, [Role(r) for r in roles], department=department)
    click.echo(f"{target.phone} now has: {', '.join(sorted(target.roles))}")


@user.command("revoke")
@click.option("--phone", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=ROLE_CHOICE)
def revoke(phone, roles):
    with _refusals_as_click_errors():
        target = accounts.find_by_phone(phone)
        accounts.revoke_roles(None, target, [Role(r) for r in roles])
    click.echo(f"{target.phone} now has: {', '.join(sorted(target.roles)) or 'no roles'}")


@contextmanager
def _refusals_as_click_errors():
    """A service's refusal is the command's error message (the service has rolled its transaction back)."""
    try:
        yield
    except DomainError as error:
        raise click.ClickException(str(error)) from None
