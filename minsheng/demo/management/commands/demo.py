"""``minsheng demo``: a fresh demo database with the seed plan, demo departments assigned to its items (with a
few accepted figures and a notice, all labelled as demo data) and one account per role, served locally.

The demo always uses its own SQLite file, ``var/demo.sqlite3``, recreated on every run. Because the database
is chosen when Django starts, the set-up and the server run as child processes with ``DATABASE_URL`` pointing
at that file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

import minsheng

SEED = Path(minsheng.__file__).resolve().parent / "demo_data" / "tiemenguan-2025-draft.docx"
# One demo account per role.
DEMO_USERNAMES = {
    "office": "office",
    "reporter": "reporter",
    "dept_head": "head",
    "deputy": "deputy",
    "public": "public",
}


class Command(BaseCommand):
    help = "Create a fresh demo database with the seed plan and demo accounts, and serve it on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--port", type=int, default=None, help="port to serve on (default: $PORT or 8000)"
        )
        parser.add_argument("--no-serve", action="store_true", help="set the database up, do not serve")
        parser.add_argument("--setup", action="store_true", help="(internal) set up the current database")

    def handle(self, *args, **options) -> None:
        if options["setup"]:
            self._setup()
            return
        port = options["port"] or int(os.environ.get("PORT") or 8000)
        database = Path(settings.VAR_DIR) / "demo.sqlite3"
        database.parent.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": "sqlite:///" + str(database),
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
        }
        command = [sys.executable, "-m", "minsheng.cli"]
        if subprocess.run([*command, "demo", "--setup"], env=env, check=False).returncode:  # noqa: S603
            raise CommandError(_("The demo set-up failed; see above."))
        if options["no_serve"]:
            return
        self.stdout.write(
            _("Serving on %(url)s (sign in at %(url)saccounts/login/); Ctrl-C stops.")
            % {"url": f"http://127.0.0.1:{port}/"}
        )
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C stops the demo server: not an error
            subprocess.run([*command, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env, check=False)  # noqa: S603

    def _setup(self) -> None:
        from minsheng.accounts.models import User
        from minsheng.accounts.services import user_create
        from minsheng.demo.delivery import (
            DEMO_DEPARTMENTS,
            demo_delivery_setup,
            demo_department_get_or_create,
            demo_year,
        )
        from minsheng.demo.stages import demo_stages_setup
        from minsheng.demo.voting import demo_voting_setup
        from minsheng.plans.management.commands._import_report import report_lines
        from minsheng.plans.services import plan_import

        call_command("migrate", interactive=False, verbosity=0)
        # The seed plan is in delivery this year (last year in the first quarter), whatever the day.
        year = demo_year(timezone.localdate())
        result = plan_import(content=SEED.read_bytes(), filename=SEED.name, year=year)
        for line in report_lines(result):
            self.stdout.write(line)
        plan = result.plan
        passwords = {role: secrets.token_urlsafe(9) for role in DEMO_USERNAMES}
        office = user_create(
            username=DEMO_USERNAMES[User.Role.OFFICE],
            password=passwords[User.Role.OFFICE],
            role=User.Role.OFFICE,
            is_staff=True,
        )
        # The reporter and the head work in the first demo department (it leads the first action's items).
        department = demo_department_get_or_create(region=plan.region, name=DEMO_DEPARTMENTS[0], by=office)
        for role in (User.Role.REPORTER, User.Role.DEPT_HEAD, User.Role.DEPUTY, User.Role.PUBLIC):
            user_create(
                username=DEMO_USERNAMES[role],
                password=passwords[role],
                role=role,
                department=department if role in (User.Role.REPORTER, User.Role.DEPT_HEAD) else None,
                by=office,
            )
        delivery = demo_delivery_setup(plan=plan, office=office)
        self.stdout.write(
            "\n"
            + _(
                "Demo delivery data: %(departments)d demo departments assigned to %(items)d items; "
                "%(figures)d accepted figures on items %(numbers)s; one supervision notice."
            )
            % {
                "departments": len(delivery.departments),
                "items": delivery.assigned,
                "figures": delivery.figures,
                "numbers": ", ".join(str(no) for no in delivery.items_with_figures),
            }
        )
        voting = demo_voting_setup(office=office, rated_plan=plan, year=year + 1)
        stages = demo_stages_setup(office=office, year=year + 1)
        self.stdout.write(
            "\n"
            + _(
                "Demo vote: the deputies choose at most %(choose)d of the %(count)d candidates for %(year)d "
                "at /voting/plans/%(plan)d/vote/ (%(ballots)d demo deputies have voted; the demo deputy has not)."
            )
            % {
                "ballots": voting.vote.ballots,
                "choose": voting.vote.choose,
                "count": voting.candidates,
                "year": voting.candidates_plan.year,
                "plan": voting.candidates_plan.pk,
            }
        )
        self.stdout.write(
            _(
                "Demo rating: the %(year)d plan is rated at /voting/plans/%(plan)d/rating/; "
                "%(ratings)d demo ratings by %(raters)d demo accounts that cannot sign in."
            )
            % {
                "year": voting.rated_plan.year,
                "plan": voting.rated_plan.pk,
                "ratings": voting.ratings,
                "raters": len(voting.raters),
            }
        )
        self.stdout.write(
            _(
                "Demo stages: %(county)s's %(next)d list collects suggestions at /participation/plans/%(sp)d/ "
                "(%(suggestions)d so far); its %(year)d draft is open for comment at "
                "/participation/plans/%(cp)d/ (%(comments)d comments, %(responses)d answered). The office runs "
                "each plan's stages at /plans/<id>/stages/."
            )
            % {
                "county": stages.consultation.region.name,
                "next": stages.solicitation.year,
                "sp": stages.solicitation.pk,
                "suggestions": len(stages.suggestions),
                "year": stages.consultation.year,
                "cp": stages.consultation.pk,
                "comments": len(stages.comments),
                "responses": stages.responses,
            }
        )
        self.stdout.write(
            "\n" + _("Demo accounts, one per role (sign in at /accounts/login/; the office also at /admin/):")
        )
        for role in User.Role:
            username = DEMO_USERNAMES[role]
            line = _("%(username)s  password %(password)s  (%(role)s)") % {
                "username": username.ljust(10),
                "password": passwords[role],
                "role": role.label,
            }
            if role in (User.Role.REPORTER, User.Role.DEPT_HEAD):
                line += " · " + department.name
            self.stdout.write("  " + line)
        secret, codes = _demo_authenticator(office)
        self.stdout.write(
            "\n"
            + _(
                "The office signs in with a second factor too: add this key to any authenticator app (TOTP, "
                "6 digits, 30 seconds) and type the code it shows after the password:"
            )
        )
        self.stdout.write("  " + secret)
        self.stdout.write(_("Or use one of these recovery codes (each works once):"))
        self.stdout.write("  " + " ".join(codes))


def _demo_authenticator(office) -> tuple[str, list[str]]:
    """Enrol the demo office's authenticator through the services, as its first sign-in would (the demo
    computes the first code itself): returns the key to type into an app (base32) and the recovery codes."""
    from base64 import b32encode

    from django_otp.oath import totp

    from minsheng.accounts.services import two_factor_confirm, two_factor_pending

    device = two_factor_pending(user=office)
    codes = two_factor_confirm(user=office, device=device, token=f"{totp(device.bin_key):06d}")
    return b32encode(device.bin_key).decode(), codes
