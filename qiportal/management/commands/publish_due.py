from django.core.management.base import BaseCommand

from qiportal.scheduling import publish_due


class Command(BaseCommand):
    help = (
        "Do the work of every scheduled publication whose time has come (links, search, cached "
        "pages). The portal does it by itself on the first request after a publication time; "
        "run this from a timer if the site can go for long without a reader."
    )

    def handle(self, *args, **options):
        done = publish_due()
        if done is None:
            self.stdout.write("Another worker is publishing what came due; nothing done.")
        elif not done:
            self.stdout.write("Nothing has come due.")
        else:
            counts = ", ".join(
                f"{len(pks)} {model._meta.verbose_name_plural}" for model, pks in done.items()
            )
            self.stdout.write(f"Published what came due: {counts}.")
