"""``b24-console profile …``: add, list, show, remove and test connection profiles.

Secrets are never taken from the command line (they would land in shell history and the
process list): they are asked for without echo on a terminal, else read from environment
variables.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import os
import sys
from dataclasses import dataclass
from typing import Any

from console.cli.app import CliError, ExitCode, emit
from console.core.credentials import SecretKind
from console.core.masking import mask_secret, mask_webhook_url
from console.core.profile_setup import ProfileRequest, check_profile_request, save_profile
from console.core.profiles import (
    DEFAULT_OAUTH_SERVER_ENDPOINT,
    AuthMode,
    InvalidProfileField,
    Profile,
    ProfileExists,
    ProfileField,
    ProfileRepository,
    WebhookPortalMismatch,
)
from console.core.sanitize import printable

# Names of environment variables, not secrets.
ENV_WEBHOOK_URL = "B24_WEBHOOK_URL"
ENV_APP_TOKEN = "B24_APP_TOKEN"  # noqa: S105
ENV_HOROSHOP_SECRET = "B24_HOROSHOP_SECRET"  # noqa: S105
ENV_CLIENT_ID = "B24_CLIENT_ID"
ENV_CLIENT_SECRET = "B24_CLIENT_SECRET"  # noqa: S105
ENV_ACCESS_TOKEN = "B24_ACCESS_TOKEN"  # noqa: S105
ENV_REFRESH_TOKEN = "B24_REFRESH_TOKEN"  # noqa: S105


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``profile`` command group."""
    parser = subparsers.add_parser("profile", help="manage connection profiles")
    commands = parser.add_subparsers(dest="profile_command", metavar="SUBCOMMAND", required=True)

    add = commands.add_parser(
        "add",
        help="add a profile (secrets are asked for, or read from B24_* environment variables)",
        description=(
            "Add a connection profile. Secrets are asked for without echo on a terminal; "
            f"otherwise they are read from {ENV_WEBHOOK_URL}, {ENV_APP_TOKEN}, "
            f"{ENV_HOROSHOP_SECRET}, {ENV_CLIENT_ID}, {ENV_CLIENT_SECRET}, {ENV_ACCESS_TOKEN} "
            f"and {ENV_REFRESH_TOKEN}."
        ),
    )
    add.add_argument("name", help="profile name: 1-64 letters, digits, '_' or '-'")
    add.add_argument(
        "--portal", required=True, help="portal address, e.g. https://shop.bitrix24.ua"
    )
    add.add_argument("--oauth", action="store_true", help="authenticate as an OAuth application")
    add.add_argument(
        "--server-endpoint",
        metavar="URL",
        help=(
            "with --oauth: the OAuth server's server_endpoint, where tokens are renewed "
            f"(default {DEFAULT_OAUTH_SERVER_ENDPOINT}; regional portals use "
            "https://oauth.bitrix24.tech/rest/)"
        ),
    )
    add.add_argument("--member-id", help="expected auth[member_id] of incoming events")
    add.add_argument("--replace", action="store_true", help="replace an existing profile")
    add.set_defaults(handler=_add)

    listing = commands.add_parser("list", help="list profiles")
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", help="show one profile, secrets masked")
    show.add_argument("name")
    show.set_defaults(handler=_show)

    remove = commands.add_parser("remove", help="remove a profile and its secrets")
    remove.add_argument("name")
    remove.set_defaults(handler=_remove)

    test = commands.add_parser(
        "test", help="probe the online store and the CRM with the profile's credentials"
    )
    test.add_argument("name")
    test.set_defaults(handler=_test)

    default = commands.add_parser(
        "default", help="the profile commands use when several exist and none is named"
    )
    default.add_argument("name")
    default.set_defaults(handler=_default)

    accept = commands.add_parser(
        "accept-domain",
        help="accept events from another address of the profile's portal (its own domain)",
    )
    accept.add_argument("name")
    accept.add_argument("domain", help="host[:port] as the rejected event's auth[domain] had it")
    accept.set_defaults(handler=_accept_domain)

    for sub in (add, listing, show, remove, test, default, accept):
        sub.add_argument("--json", action="store_true", help="machine-readable output")


@dataclass
class _SecretSource:
    """Where ``profile add`` gets secrets: a no-echo prompt or the environment."""

    interactive: bool

    def ask(self, prompt: str, env: str, *, secret: bool = True) -> str | None:
        if self.interactive:
            reader = getpass.getpass if secret else input
            value = reader(f"{prompt}: ")
        else:
            value = os.environ.get(env, "")
        return value.strip() or None


def _require(value: str | None, what: str, env: str) -> str:
    if value is None:
        raise CliError(
            f"{what} is required: type it at the prompt, or set {env} when stdin is not a terminal"
        )
    return value


def _field_label(field: ProfileField, interactive: bool) -> str:
    """How ``profile add`` names a field: its argument, prompt or environment variable."""
    labels = {
        ProfileField.NAME: "NAME",
        ProfileField.PORTAL_URL: "--portal",
        ProfileField.SERVER_ENDPOINT: "--server-endpoint",
        ProfileField.MEMBER_ID: "--member-id",
        ProfileField.WEBHOOK_URL: "webhook URL" if interactive else ENV_WEBHOOK_URL,
        ProfileField.CLIENT_ID: "OAuth client id" if interactive else ENV_CLIENT_ID,
        ProfileField.CLIENT_SECRET: "OAuth client secret" if interactive else ENV_CLIENT_SECRET,
        ProfileField.TOKENS: f"tokens ({ENV_ACCESS_TOKEN}/{ENV_REFRESH_TOKEN})",
    }
    return labels[field]


def _add_error(error: InvalidProfileField | ProfileExists, interactive: bool) -> CliError:
    """The core's profile errors in ``profile add``'s words."""
    if isinstance(error, ProfileExists):
        return CliError(f"profile {error.name!r} exists: pass --replace to overwrite it")
    label = _field_label(error.field, interactive)
    if isinstance(error, WebhookPortalMismatch):
        return CliError(
            f"{label}: the webhook is for {error.webhook_portal}, not the --portal "
            f"{error.portal_url}; use the webhook created on that portal"
        )
    if error.field is ProfileField.TOKENS:
        return CliError(f"{error.reason} ({ENV_ACCESS_TOKEN}/{ENV_REFRESH_TOKEN})")
    return CliError(f"{label}: {error.reason}")


def _add(args: argparse.Namespace) -> int:
    repo = ProfileRepository()
    mode = AuthMode.OAUTH if args.oauth else AuthMode.WEBHOOK
    interactive = sys.stdin.isatty()
    request = ProfileRequest(
        name=args.name,
        portal=args.portal,
        auth_mode=mode,
        server_endpoint=args.server_endpoint,
        member_id=args.member_id,
    )
    try:
        if args.server_endpoint is not None and mode is not AuthMode.OAUTH:
            raise CliError("--server-endpoint: only for OAuth profiles (add --oauth)")
        # Everything but the secrets, and the keyring, before anyone types a secret.
        check_profile_request(repo, request, replace=args.replace)
        request = _ask_secrets(request, _SecretSource(interactive=interactive))
        saved = save_profile(repo, request, replace=args.replace)
    except (InvalidProfileField, ProfileExists) as exc:
        raise _add_error(exc, interactive) from None
    profile = saved.profile
    stored = sorted(kind.value for kind in saved.secrets)
    if SecretKind.APPLICATION_TOKEN not in saved.secrets:
        print(
            f"warning: profile {profile.name} has no application token, so every incoming "
            "Bitrix24 event for it will be rejected. Add the outgoing webhook's token with "
            f"`profile add {profile.name} --replace` ({ENV_APP_TOKEN}).",
            file=sys.stderr,
        )
    emit(
        args,
        {**_profile_json(profile), "secrets": {kind: mask_secret("x") for kind in stored}},
        f"saved profile {profile.name} ({profile.portal_url}, {profile.auth_mode}); "
        f"secrets in the OS keyring: {', '.join(stored) or 'none'}",
    )
    return ExitCode.OK


def _ask_secrets(request: ProfileRequest, source: _SecretSource) -> ProfileRequest:
    """The request with the secrets typed at the prompt or read from the environment."""
    webhook_url = client_id = client_secret = access = refresh = None
    if request.auth_mode is AuthMode.WEBHOOK:
        webhook_url = _require(
            source.ask("Inbound webhook URL", ENV_WEBHOOK_URL),
            "the inbound webhook URL",
            ENV_WEBHOOK_URL,
        )
    else:
        client_id = _require(
            source.ask("OAuth client id", ENV_CLIENT_ID, secret=False),
            "the OAuth client id",
            ENV_CLIENT_ID,
        )
        client_secret = _require(
            source.ask("OAuth client secret", ENV_CLIENT_SECRET),
            "the OAuth client secret",
            ENV_CLIENT_SECRET,
        )
        access = source.ask("Access token (empty: authorize later)", ENV_ACCESS_TOKEN)
        refresh = source.ask("Refresh token (empty: authorize later)", ENV_REFRESH_TOKEN)
    return dataclasses.replace(
        request,
        webhook_url=webhook_url,
        client_id=client_id,
        client_secret=client_secret,
        access_token=access,
        refresh_token=refresh,
        application_token=source.ask(
            "Application token of the outgoing webhook (optional)", ENV_APP_TOKEN
        ),
        horoshop_secret=source.ask("Horoshop secret (optional)", ENV_HOROSHOP_SECRET),
    )


def _profile_json(profile: Profile) -> dict[str, Any]:
    return {**profile.model_dump(mode="json"), "domain": profile.domain}


def _masked_secrets(repo: ProfileRepository, name: str) -> dict[str, str]:
    return {kind.value: mask_secret(repo.secret(name, kind)) for kind in SecretKind}


def _list(args: argparse.Namespace) -> int:
    repo = ProfileRepository()
    profiles = repo.list()
    secrets = {
        profile.name: {k: v for k, v in _masked_secrets(repo, profile.name).items() if v}
        for profile in profiles
    }
    rows = [
        {
            "name": profile.name,
            "portal_url": profile.portal_url,
            "auth_mode": profile.auth_mode.value,
            "secrets": secrets[profile.name],
        }
        for profile in profiles
    ]

    def human() -> str:
        if not profiles:
            return "no profiles: add one with `b24-console profile add NAME --portal URL`"
        table = [("NAME", "PORTAL", "AUTH", "SECRETS")]
        table += [
            (
                profile.name,
                profile.portal_url,
                profile.auth_mode.value,
                ", ".join(f"{kind}={mask}" for kind, mask in secrets[profile.name].items()) or "-",
            )
            for profile in profiles
        ]
        widths = [max(len(line[i]) for line in table) for i in range(3)]
        return "\n".join(
            "  ".join(cell.ljust(width) for cell, width in zip(line[:3], widths, strict=True))
            + "  "
            + line[3]
            for line in table
        )

    emit(args, rows, human)
    return ExitCode.OK


def _show(args: argparse.Namespace) -> int:
    repo = ProfileRepository()
    profile = repo.get(args.name)
    data = _profile_json(profile)
    secrets = _masked_secrets(repo, profile.name)
    data["secrets"] = secrets
    data["webhook_url"] = None
    if profile.auth_mode is AuthMode.WEBHOOK and secrets[SecretKind.WEBHOOK_CODE]:
        data["webhook_url"] = mask_webhook_url(repo.webhook_credentials(profile.name).url())

    def human() -> str:
        lines = [f"{key}: {'-' if value is None else value}" for key, value in data.items()]
        lines = [line for line in lines if not line.startswith("secrets:")]
        lines += [f"secret {kind}: {mask or '(not set)'}" for kind, mask in secrets.items()]
        return "\n".join(lines)

    emit(args, data, human)
    return ExitCode.OK


def _remove(args: argparse.Namespace) -> int:
    ProfileRepository().remove(args.name)
    emit(args, {"removed": args.name}, f"removed profile {args.name} and its secrets")
    return ExitCode.OK


def _test(args: argparse.Namespace) -> int:
    # Imported here so the other profile commands do not load the HTTP stack.
    from console.bitrix.connect import client_for_profile
    from console.bitrix.errors import B24Error, NetworkError, Unauthorized
    from console.operations import OperationContext
    from console.operations.connection import check_connection

    repo = ProfileRepository()
    with client_for_profile(repo, args.name) as client:
        try:
            result: dict[str, Any] = client.test_connection()
        except (Unauthorized, NetworkError):
            raise  # wrong credentials or no portal: nothing more to probe
        except B24Error:
            # e.g. ACCESS_DENIED on a free plan: the probes below say what it means.
            result = {"portal": client.portal_host, "auth_mode": client.auth_mode}
        report = check_connection(OperationContext(client, args.name))
    result["probes"] = [
        {
            "name": probe.name,
            "method": probe.method,
            "ok": probe.ok,
            "code": probe.code or None,
            "problem": probe.problem or None,
            "fix": probe.fix or None,
        }
        for probe in report.probes
    ]
    result["ok"] = report.ok
    verdict = "connection OK" if report.ok else "the console cannot do its work yet"
    lines = [f"profile {args.name}: {verdict}"]
    # Problems and values come from the portal: one line each, whatever they contain.
    for probe in report.probes:
        lines.append(f"{probe.mark} {probe.name} ({probe.method})")
        if not probe.ok:
            lines.append(f"    {printable(probe.problem, one_line=True)}")
            lines.append(f"    fix: {probe.fix}")
    lines += [
        f"{printable(key, one_line=True)}: {printable(value, one_line=True)}"
        for key, value in result.items()
        if key not in ("probes", "ok")
    ]
    emit(args, result, "\n".join(lines))
    return ExitCode.OK if report.ok else ExitCode.PORTAL_REFUSED


def _default(args: argparse.Namespace) -> int:
    from console.operations.profiles import set_default_profile

    profile = set_default_profile(ProfileRepository(), args.name)
    emit(
        args,
        {"default": profile.name},
        f"default profile: {profile.name} (used when --profile is not given)",
    )
    return ExitCode.OK


def _accept_domain(args: argparse.Namespace) -> int:
    from console.operations.profiles import accept_domain

    profile = accept_domain(ProfileRepository(), args.name, args.domain)
    emit(
        args,
        {"name": profile.name, "domain": profile.domain, "extra_domains": profile.extra_domains},
        f"profile {profile.name} now accepts events from {profile.domain} and "
        + ", ".join(profile.extra_domains)
        + " (a running listener picks this up when it reloads its credentials)",
    )
    return ExitCode.OK
