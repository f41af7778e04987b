"""`omicform sandbox`: serve local stand-ins for both services until interrupted."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from omicform.sandbox.options import (
    DEFAULT_NEMO_PASSWORD,
    DEFAULT_NEMO_USERNAME,
    DEFAULT_NMDC_CLIENT_ID,
    DEFAULT_NMDC_CLIENT_SECRET,
    ERROR_PHASES,
    ClockSettings,
    FaultSettings,
    SandboxOptions,
    parse_latency,
)


def _latency(ctx: click.Context, param: click.Parameter, value: str | None) -> object:
    if value is None:
        return (0.0, 0.0)
    try:
        return parse_latency(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


_RATE = click.FloatRange(0.0, 1.0)


@click.command()
@click.option("--port", default=0, show_default=True, help="Port on 127.0.0.1 (0: any free).")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep records in DIR (SQLite) across restarts; without it, in memory.",
)
@click.option("--fresh", is_flag=True, help="Start empty (wipes the database in --data DIR).")
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Load example records from a YAML or JSON file.",
)
@click.option("--nmdc-client-id", default=DEFAULT_NMDC_CLIENT_ID, show_default=True)
@click.option("--nmdc-client-secret", default=DEFAULT_NMDC_CLIENT_SECRET, show_default=True)
@click.option("--nemo-username", default=DEFAULT_NEMO_USERNAME, show_default=True)
@click.option("--nemo-password", default=DEFAULT_NEMO_PASSWORD, show_default=True)
@click.option(
    "--step-seconds",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Each later NeMO ingest step takes this long (0: one step per read).",
)
@click.option(
    "--validation-seconds",
    type=click.FloatRange(min=0),
    help="NeMO's manifest check takes this long [default: --step-seconds].",
)
@click.option(
    "--run-seconds",
    type=click.FloatRange(min=0),
    help="An NMDC json:submit run takes this long [default: --step-seconds].",
)
@click.option(
    "--latency",
    callback=_latency,
    help="Delay every answer: 20ms, or a range 10ms-50ms.",
)
@click.option("--error-rate", type=_RATE, default=0.0, help="Share of answers replaced by 5xx.")
@click.option(
    "--error-phase",
    type=click.Choice(ERROR_PHASES),
    default="mixed",
    show_default=True,
    help="Whether an error or drop hits before the request is handled or after (writes done).",
)
@click.option("--throttle-rate", type=_RATE, default=0.0, help="Share answered 429.")
@click.option("--drop-rate", type=_RATE, default=0.0, help="Share of connections dropped.")
@click.option(
    "--rate-limit", type=click.FloatRange(min=0, min_open=True), help="Requests/s per service."
)
@click.option("--nmdc-rate-limit", type=click.FloatRange(min=0, min_open=True))
@click.option(
    "--nemo-rate-limit",
    type=click.FloatRange(min=0, min_open=True),
    help="NeMO documents 3 requests/s.",
)
@click.option("--retry-after", type=click.IntRange(min=0), default=1, show_default=True)
@click.option("--fault-seed", type=int, help="Make injected faults repeatable.")
@click.option("--strict-manifest", is_flag=True, help="Vocabulary misses fail NeMO validation.")
@click.option("--access-log", is_flag=True, help="Log every request to stderr.")
def sandbox(
    port: int,
    data_dir: Path | None,
    fresh: bool,
    seed: Path | None,
    nmdc_client_id: str,
    nmdc_client_secret: str,
    nemo_username: str,
    nemo_password: str,
    step_seconds: float,
    validation_seconds: float | None,
    run_seconds: float | None,
    latency: tuple[float, float],
    error_rate: float,
    error_phase: str,
    throttle_rate: float,
    drop_rate: float,
    rate_limit: float | None,
    nmdc_rate_limit: float | None,
    nemo_rate_limit: float | None,
    retry_after: int,
    fault_seed: int | None,
    strict_manifest: bool,
    access_log: bool,
) -> None:
    """Serve both services on 127.0.0.1 for trying omicform without credentials.

    Prints the environment to use as `export NAME=value` lines, then serves until
    interrupted (Ctrl-C or SIGTERM). See docs/sandbox.md.

    \b
    Example:
      omicform sandbox --port 8765 --step-seconds 1
    """
    try:
        options = SandboxOptions(
            port=port,
            data_dir=data_dir,
            fresh=fresh,
            seed=seed,
            nmdc_client_id=nmdc_client_id,
            nmdc_client_secret=nmdc_client_secret,
            nemo_username=nemo_username,
            nemo_password=nemo_password,
            faults=FaultSettings(
                latency=latency,
                error_rate=error_rate,
                error_phase=error_phase,  # type: ignore[arg-type]
                throttle_rate=throttle_rate,
                drop_rate=drop_rate,
                nmdc_rate_limit=nmdc_rate_limit or rate_limit,
                nemo_rate_limit=nemo_rate_limit or rate_limit,
                retry_after=retry_after,
            ),
            clock=ClockSettings(
                validation_seconds=step_seconds
                if validation_seconds is None
                else validation_seconds,
                step_seconds=step_seconds,
                run_seconds=step_seconds if run_seconds is None else run_seconds,
            ),
            fault_seed=fault_seed,
            strict_manifest=strict_manifest,
            access_log=access_log,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    _serve(options, port)


def _serve(options: SandboxOptions, port: int) -> None:
    # Imported here so that `omicform --help` stays fast.
    from omicform.sandbox.seed import SeedError
    from omicform.sandbox.server import Sandbox, serve

    def ready(running: Sandbox) -> None:
        click.echo(running.exports(), nl=False)
        sys.stdout.flush()
        click.echo(f"omicform sandbox: serving on {running.base_url} (Ctrl-C to stop)", err=True)

    try:
        serve(options, ready)
    except SeedError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot serve on 127.0.0.1:{port}: {exc}") from None
    click.echo("omicform sandbox: stopped", err=True)
