"""Putting the parts together: both services and the admin routes under their prefixes,
wrapped in the fault layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.routing import Mount

from omicform.sandbox.access_log import AccessLog
from omicform.sandbox.admin import SandboxAdmin, admin_app
from omicform.sandbox.faults import ASGIApp, FaultLayer
from omicform.sandbox.nemo.app import NemoService
from omicform.sandbox.nmdc.app import NmdcService
from omicform.sandbox.routes import (
    ADMIN_PREFIX,
    NEMO_API_PREFIX,
    NEMO_LOGIN_PREFIX,
    NMDC_PREFIX,
    RouteTable,
)
from omicform.sandbox.state import SandboxState


@dataclass(frozen=True)
class BuiltApp:
    asgi: ASGIApp
    admin: SandboxAdmin


def build_app(state: SandboxState) -> BuiltApp:
    nmdc = NmdcService(state)
    nemo = NemoService(state)
    admin = SandboxAdmin(state, nmdc, nemo)
    nmdc_app, nemo_api, nemo_login = nmdc.app(), nemo.api_app(), nemo.login_app()
    routes = {
        "nmdc": RouteTable(getattr(r, "path", "") for r in nmdc_app.routes),
        "nemo": RouteTable(getattr(r, "path", "") for r in (*nemo_api.routes, *nemo_login.routes)),
    }
    root = Starlette(
        routes=[
            Mount(NMDC_PREFIX, app=nmdc_app),
            Mount(NEMO_API_PREFIX, app=nemo_api),
            Mount(NEMO_LOGIN_PREFIX, app=nemo_login),
            Mount(ADMIN_PREFIX, app=admin_app(admin)),
        ]
    )
    app: ASGIApp = FaultLayer(root, state, routes)
    if state.access_log is not None:
        app = AccessLog(app, state.access_log)
    return BuiltApp(app, admin)
