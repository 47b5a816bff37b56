"""
Load the laws the portal ships with (laws/content/laws.toml): each created once and never
touched again, so running the command again changes nothing, staff edits are never overwritten,
and a law staff deleted stays deleted. A law staff already have (the same slug, or the same
short name in the same jurisdiction) is reported and left as it is.
"""

import tomllib
from pathlib import Path

import reversion
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone

from laws.content import create_law
from laws.models import Law, ShippedLaw
from qiportal import changes
from qiportal.contentfile import ContentError
from qiportal.database import refusal_in_words

CONTENT_FILE = Path(__file__).resolve().parents[2] / "content" / "laws.toml"


class Command(BaseCommand):
    help = "Load the shipped laws: creates what was never loaded, changes nothing else."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=CONTENT_FILE, help="A laws file.")

    def handle(self, *args, file, **options):
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except tomllib.TOMLDecodeError as error:
            raise CommandError(f"{file} is not valid TOML: {error}.") from error
        # Texts stored by an older release's text pipeline are rendered again first, once.
        rendered = changes.render_every_text()
        if rendered:
            self.stdout.write(f"Rendered {rendered} texts again for this release.")
        loaded = set(ShippedLaw.objects.values_list("key", flat=True))
        created, present, failed, now = 0, [], [], timezone.now()
        with changes.batch():
            for item in data.get("laws", []):
                key = f"law:{item.get('slug')}"
                if key in loaded:
                    continue
                label = f"law “{item.get('short_name')}” ({item.get('slug')})"
                try:
                    with reversion.create_revision():  # atomic: a savepoint of its own
                        reversion.set_comment("Shipped with the portal.")
                        found = Law.objects.filter(
                            Q(slug=item["slug"])
                            | Q(
                                jurisdiction__slug=item["jurisdiction"],
                                short_name=item["short_name"],
                            )
                        ).first()
                        if found is None:
                            reversion.add_to_revision(create_law(item, now=now))
                        ShippedLaw.objects.create(key=key)
                except ContentError as error:
                    failed.append(f"{label}: {error}")
                except (KeyError, TypeError) as error:
                    failed.append(f"{label}: the laws file is missing or mistypes {error}.")
                except DatabaseError as error:
                    failed.append(f"{label}: {refusal_in_words(error)}")
                else:
                    if found is None:
                        created += 1
                    else:
                        present.append(f"{label}: already present as “{found}”.")
        if created:
            self.stdout.write(
                f"Loaded the shipped laws: {created} law{'s' if created > 1 else ''}."
            )
        elif not present and not failed:
            self.stdout.write("Shipped laws already loaded; nothing changed.")
        for line in present:
            self.stdout.write(f"- {line}")
        if failed:
            self.stderr.write(f"Could not be loaded ({len(failed)}; tried again on the next run):")
            for line in failed:
                self.stderr.write(f"- {line}")
