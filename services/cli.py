"""`crm`: run the mesh, serve one service, check health, migrate the database."""

import asyncio
from pathlib import Path

import typer

from . import logs
from .settings import Settings

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
db = typer.Typer(no_args_is_help=True, help="Database migrations.")
app.add_typer(db, name="db")
admin = typer.Typer(no_args_is_help=True, help="Admin access to the local mesh.")
app.add_typer(admin, name="admin")


def _settings(service: str) -> Settings:
    settings = Settings()
    logs.configure(service, settings.log_level, json=settings.log_json)
    return settings


@app.command()
def serve(name: str) -> None:
    """Serve one service (tenant, conversation, ..., messaging), or `all` in one process."""
    from .catalog import SERVICES, serve_services

    names = list(SERVICES) if name == "all" else [name]
    if any(n not in SERVICES for n in names):
        raise typer.BadParameter(f"unknown service {name!r}; one of {', '.join(SERVICES)}, all")
    asyncio.run(serve_services(names, _settings(name)))


@app.command()
def run() -> None:
    """Start the whole mesh on embedded defaults, seeded with a demo tenant."""
    from .launcher import run_mesh

    raise typer.Exit(asyncio.run(run_mesh(_settings("launcher"))))


@app.command()
def health() -> None:
    """Report each service's grpc.health.v1 status; non-zero exit unless all are SERVING."""
    from .catalog import SERVICES
    from .probe import status_of_all

    settings = _settings("health")
    statuses = asyncio.run(status_of_all(settings, list(SERVICES)))
    for name, status in statuses.items():
        typer.echo(f"{name:<13} {settings.address_of(name):<22} {status}")
    raise typer.Exit(0 if all(s == "SERVING" for s in statuses.values()) else 1)


@app.command()
def chat(
    customer: str = typer.Option("34600123456", help="Your WhatsApp number (wa_id, digits)."),
    name: str = typer.Option("Alex", help="Your WhatsApp profile name."),
) -> None:
    """Chat with the demo outlet as a customer, through the gateway and the Cloud API stand-in."""
    from .chat import run_chat

    raise typer.Exit(asyncio.run(run_chat(_settings("chat"), customer, name)))


@app.command()
def report(
    tenant: str = typer.Option("demo", help="The tenant's slug."),
    days: int = typer.Option(30, min=1, max=400, help="How many days back from now."),
    out: str = typer.Option("report.html", help="Where to write the HTML report."),
) -> None:
    """Write a tenant's analytics (volume, intents, revenue, latency, ...) as one HTML file."""
    from .database import prepare
    from .tools.report import report_html

    async def build() -> str:
        # Amounts are in the currency the shops sell in: one setting for every tenant.
        return await report_html(await prepare(settings), tenant, days, settings.order_currency)

    settings = _settings("report")
    Path(out).write_text(asyncio.run(build()), encoding="utf-8")
    typer.echo(f"wrote {out}")


@db.command()
def upgrade() -> None:
    """Migrate the database to the newest revision (safe to run twice)."""
    from .database import prepare

    asyncio.run(prepare(_settings("migrate")))


@db.command()
def wait(
    timeout: float = typer.Option(300.0, min=0, help="Seconds to wait before giving up."),
) -> None:
    """Wait until the database is at this code's newest revision (or a later one)."""
    from adapters.postgres.revision import NOT_READY, wait_until_migrated

    from .database import owner_url

    async def migrated() -> str:
        # In a service's pod, as its own role (every service role may read the revision).
        url = settings.service_database_url or await owner_url(settings)
        return await wait_until_migrated(url, timeout)

    settings = _settings("migrate-wait")
    try:
        typer.echo(f"database at revision {asyncio.run(migrated())}")
    except NOT_READY as failure:
        typer.echo(f"database not ready after {timeout:g} s: {failure}", err=True)
        raise typer.Exit(1) from failure


@admin.command("token")
def admin_token(
    tenant: str = typer.Option("demo", help="The tenant's slug (not needed for an operator)."),
    role: str = typer.Option("owner", help="owner, admin, agent, or operator."),
    expires: float = typer.Option(60.0, help="Minutes the token is valid (negative: expired)."),
) -> None:
    """Print an ID token signed with the local key, for `Authorization: Bearer <token>`."""
    from core.shared.errors import DomainError

    from . import admin_token as tokens
    from .database import prepare

    if role not in tokens.ROLES:
        raise typer.BadParameter(f"one of {', '.join(tokens.ROLES)}", param_hint="--role")
    settings = Settings()  # no log set-up: stdout carries the token alone

    async def mint() -> str:
        return await tokens.token(settings, await prepare(settings), tenant, role, expires)

    try:
        typer.echo(asyncio.run(mint()))
    except DomainError as refused:
        typer.echo(refused.message, err=True)
        raise typer.Exit(1) from refused


if __name__ == "__main__":
    app()
