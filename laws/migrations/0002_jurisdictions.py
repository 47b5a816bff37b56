"""The jurisdictions every installation has: the 50 states and DC (the map's tiles), New York
City, and the United States (federal bills)."""

from django.db import migrations

STATES = [
    ("AL", "Alabama"), ("AK", "Alaska"), ("AZ", "Arizona"), ("AR", "Arkansas"),
    ("CA", "California"), ("CO", "Colorado"), ("CT", "Connecticut"), ("DE", "Delaware"),
    ("DC", "District of Columbia"), ("FL", "Florida"), ("GA", "Georgia"), ("HI", "Hawaii"),
    ("ID", "Idaho"), ("IL", "Illinois"), ("IN", "Indiana"), ("IA", "Iowa"), ("KS", "Kansas"),
    ("KY", "Kentucky"), ("LA", "Louisiana"), ("ME", "Maine"), ("MD", "Maryland"),
    ("MA", "Massachusetts"), ("MI", "Michigan"), ("MN", "Minnesota"), ("MS", "Mississippi"),
    ("MO", "Missouri"), ("MT", "Montana"), ("NE", "Nebraska"), ("NV", "Nevada"),
    ("NH", "New Hampshire"), ("NJ", "New Jersey"), ("NM", "New Mexico"), ("NY", "New York"),
    ("NC", "North Carolina"), ("ND", "North Dakota"), ("OH", "Ohio"), ("OK", "Oklahoma"),
    ("OR", "Oregon"), ("PA", "Pennsylvania"), ("RI", "Rhode Island"), ("SC", "South Carolina"),
    ("SD", "South Dakota"), ("TN", "Tennessee"), ("TX", "Texas"), ("UT", "Utah"),
    ("VT", "Vermont"), ("VA", "Virginia"), ("WA", "Washington"), ("WV", "West Virginia"),
    ("WI", "Wisconsin"), ("WY", "Wyoming"),
]  # fmt: skip


def slug(name):
    return name.lower().replace(" ", "-")


def add(apps, schema_editor):
    Jurisdiction = apps.get_model("laws", "Jurisdiction")
    for code, name in STATES:
        Jurisdiction.objects.get_or_create(
            postal_code=code, defaults={"name": name, "slug": slug(name), "kind": "state"}
        )
    Jurisdiction.objects.get_or_create(
        slug="new-york-city",
        defaults={
            "name": "New York City",
            "kind": "city",
            "state": Jurisdiction.objects.get(postal_code="NY"),
        },
    )
    Jurisdiction.objects.get_or_create(
        slug="united-states", defaults={"name": "United States", "kind": "federal"}
    )


def remove(apps, schema_editor):
    unused = apps.get_model("laws", "Jurisdiction").objects.filter(laws__isnull=True)
    unused.exclude(kind="state").delete()  # cities first: they point at their state
    unused.delete()


class Migration(migrations.Migration):
    dependencies = [("laws", "0001_laws")]

    operations = [migrations.RunPython(add, remove)]
