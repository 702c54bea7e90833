"""Operator commands: demo data, users and roles, the scheduled tick."""
import click
import sqlalchemy as sa
from flask import current_app

from . import accounts, backup, demo, tick
from .clock import utcnow
from .errors import DomainError
from .extensions import db
from .models import Community, Role


def register(app) -> None:
    backup.register(app)

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    def demo_data(if_empty: bool):
        """Build a realistic 思明区 for trying the app (refused in production)."""
        if current_app.config["NEIGHBORS_ENV"] == "production":
            raise click.ClickException("demo-data is refused when NEIGHBORS_ENV=production.")
        if if_empty and not demo.is_empty():
            click.echo("Database already has data; demo data not loaded.")
            return
        demo.build()
        click.echo("Demo data ready.")

    @app.cli.command("bench-data")
    @click.option("--scale", type=click.Choice(["small", "district"]), default="small", show_default=True,
                  help="small: one community; district: 98 communities, 300,000 residents, a year of records.")
    @click.option("--seed", type=int, default=2024, show_default=True)
    def bench_data_command(scale: str, seed: int):
        """Fill an empty database with synthetic data for benchmarks (refused in production)."""
        from . import bench_data

        try:
            result = bench_data.build(scale, seed=seed, progress=lambda done, total: click.echo(
                f"  community {done}/{total}", err=True) if total > 1 and (done % 10 == 0 or done == total) else None)
        except bench_data.BenchDataRefused as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"Bench data ({scale}) ready in {result['seconds']} s: "
                   + ", ".join(f"{name} {count}" for name, count in sorted(result["rows"].items())))
        click.echo(f"Logins (password {bench_data.BENCH_PASSWORD}): "
                   + ", ".join(f"{role} {phone}" for role, phone in bench_data.BENCH_PHONES.items()))

    @app.cli.command("demo-logins")
    def demo_logins():
        """Print the demo logins (password demo1234)."""
        click.echo(f"Demo logins (password {demo.DEMO_PASSWORD}):")
        for phone, name, community, roles in demo.demo_logins():
            click.echo(f"  {phone}  {name}  {community}  {roles}")

    @app.cli.command("tick")
    def run_tick():
        """Run the scheduled jobs once; safe to call every minute from several servers."""
        results = tick.run_all(utcnow())
        for name, count in results.items():
            click.echo(f"{name}: {count}")
        if any(count < 0 for count in results.values()):
            raise SystemExit(1)

    user = click.Group("user", help="Create users and change their roles.")
    app.cli.add_command(user)

    @user.command("create")
    @click.option("--phone", required=True)
    @click.option("--name", required=True)
    @click.option("--password", required=True)
    @click.option("--community", "community_name", required=True, help="Community name, e.g. 镇海社区")
    @click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]))
    def create_user(phone, name, password, community_name, roles):
        community = db.session.scalar(sa.select(Community).where(Community.name == community_name))
        if community is None:
            raise click.ClickException(f"No community named {community_name}.")
        try:
            new_user = accounts.register(phone, name, password, community.id)
            for role in roles:
                accounts.grant_role(None, new_user, role)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(f"Created user {new_user.id} {new_user.phone} with roles {', '.join(sorted(new_user.roles))}.")

    @user.command("grant")
    @click.option("--phone", required=True)
    @click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--department", default="")
    def grant(phone, roles, department):
        try:
            target = accounts.find_by_phone(phone)
            for role in roles:
                accounts.grant_role(None, target, role, department=department)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(f"{target.phone} now has: {', '.join(sorted(target.roles))}")

    @user.command("revoke")
    @click.option("--phone", required=True)
    @click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role]))
    def revoke(phone, roles):
        try:
            target = accounts.find_by_phone(phone)
            for role in roles:
                accounts.revoke_role(None, target, role)
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
        db.session.commit()
        click.echo(f"{target.phone} now has: {', '.join(sorted(target.roles)) or 'no roles'}")
