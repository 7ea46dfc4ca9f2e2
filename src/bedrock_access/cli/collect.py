"""``bedrock-access collect``: read an organization into a snapshot folder (read-only). Wiring only."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bedrock_access.errors import InputError

DESCRIPTION = """\
Read an AWS organization, read-only, into a snapshot folder that `matrix` and `fix --snapshot` use:
Organizations (roots, OUs, accounts, every SCP and RCP with its targets), each member account's IAM
(get-account-authorization-details, through an assumed role) and IAM Identity Center (permission sets and
account assignments). Credentials, Region and endpoints come from the standard AWS environment
(AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>). An interrupted run continues
where it stopped when run again with the same --out. Nothing secret is stored.

  bedrock-access collect --out org-snapshot
  bedrock-access collect --out org-snapshot --role-name SecurityAudit --accounts 111122223333,444455556666
  bedrock-access collect --from-cli saved-cli-output --out org-snapshot

Exit status: 0 every account read, 1 snapshot written but some accounts could not be read, 2 error.
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "collect",
        help="read an AWS organization (read-only) into a snapshot folder",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--out", required=True, metavar="DIR", help="the snapshot folder to write (must not exist)"
    )
    p.add_argument(
        "--role-name",
        default="OrganizationAccountAccessRole",
        help="role assumed in each member account (default: %(default)s)",
    )
    p.add_argument(
        "--accounts",
        action="append",
        default=[],
        metavar="ID[,ID]",
        help="read only these accounts (repeatable)",
    )
    p.add_argument("--workers", type=int, default=8, help="accounts read at once (default: %(default)s)")
    p.add_argument("--retry-mode", choices=("standard", "adaptive"), default="adaptive")
    p.add_argument("--max-attempts", type=int, default=10, help="botocore retry attempts per call")
    p.add_argument("--no-identity-center", action="store_true", help="do not read IAM Identity Center")
    p.add_argument("--from-cli", metavar="SRC", help="build the snapshot from saved AWS CLI output instead")
    p.set_defaults(run=run)


def _accounts(values: list[str]) -> list[str]:
    out = []
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            if not (len(item) == 12 and item.isdigit()):
                raise InputError(f"{item!r} is not a 12-digit account id", field="--accounts")
            out.append(item)
    return out


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    out = Path(args.out)
    if args.from_cli:
        from bedrock_access.collect.from_cli import build_from_cli

        counts = build_from_cli(Path(args.from_cli), out)
        print(
            f"Wrote {out}: {counts['accounts']} accounts ({counts['read']} with an IAM listing), "
            f"{counts['policies']} SCPs and RCPs."
        )
        return 0 if counts["read"] == counts["accounts"] else 1
    if args.workers < 1 or args.max_attempts < 1:
        raise InputError("must be at least 1", field="--workers/--max-attempts")
    accounts = _accounts(args.accounts)

    from botocore.exceptions import BotoCoreError, ClientError

    from bedrock_access.collect.aws import collect
    from bedrock_access.redact import redact

    progress = _progress_bar() if sys.stderr.isatty() else None
    try:
        result = collect(
            out,
            role_name=args.role_name,
            accounts=accounts,
            workers=args.workers,
            retry_mode=args.retry_mode,
            max_attempts=args.max_attempts,
            identity_center=not args.no_identity_center,
            progress=progress,
        )
    except (BotoCoreError, ClientError) as exc:
        raise InputError(f"cannot read the organization: {redact(str(exc))}") from None
    finally:
        if progress is not None:
            progress.close()
    read = len(result.accounts_read) + len(result.accounts_reused)
    again = f" ({len(result.accounts_reused)} from the interrupted run)" if result.accounts_reused else ""
    print(f"Wrote {out}: {read} accounts read{again}, {len(result.unreadable)} not read.")
    print(
        f"IAM Identity Center: {result.permission_sets} permission sets, {result.assignments} account assignments."
    )
    for account_id, reason in sorted(result.unreadable.items()):
        print(f"  not read: {account_id}: {reason}")
    for note in result.notes:
        print(f"  note: {note}")
    return 1 if result.unreadable else 0


class _RichProgress:
    """A progress bar on the terminal (stderr), one step per account."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("reading accounts"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        )
        self._task: Any = None

    def __call__(self, total: int) -> Any:
        self._progress.start()
        self._task = self._progress.add_task("accounts", total=total)

        def tick(_account: str) -> None:
            self._progress.advance(self._task)

        return tick

    def close(self) -> None:
        self._progress.stop()


def _progress_bar() -> Any:
    try:
        return _RichProgress()
    except ImportError:
        return None
