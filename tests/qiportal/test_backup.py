"""A backup holds the whole site; a restore brings it back into a fresh installation."""

import json
import re
import shutil
import zipfile
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import Client
from reversion.models import Revision, Version

from cases.models import CourtCase
from explainer.models import LawTopic, Topic
from qiportal.backup import describe
from qiportal.models import ScheduledPublication
from tests.explainer.test_export_import import public_pages
from tests.factories import StaffUserFactory
from tests.forms import form_data
from tests.qiportal.test_editor import image_bytes

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password


def run(command, *args):
    out = StringIO()
    call_command(command, *map(str, args), stdout=out)
    return out.getvalue()


def log_in(username):
    """A browser that logs in through the admin's form, as a person does."""
    browser = Client()
    response = browser.post(
        "/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"}
    )
    return browser, response


def edit(browser, url, **changes):
    data = form_data(browser.get(url).text)
    data.update(changes)
    response = browser.post(url, data)
    assert response.status_code == 302, url
    return response


@pytest.fixture
def site(shipped_content, settings):
    """A site in use: an image uploaded in the editor and put in a topic, the topic edited
    twice in the admin, a case deleted there; a superuser and an editor."""
    StaffUserFactory(username="boss", is_superuser=True)
    editor = StaffUserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    browser, _ = log_in("boss")
    uploaded = browser.post(
        "/markdownx/upload/",
        {"image": SimpleUploadedFile("photo.png", image_bytes(), content_type="image/png")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    code = uploaded.json()["image_code"]
    topic = Topic.objects.get(slug="what-is-qualified-immunity")
    url = f"/admin/explainer/topic/{topic.pk}/change/"
    edit(browser, url, body=f"{topic.body}\n\n{code}")
    edit(browser, url, body=f"{topic.body}\n\n{code}\n\nA sentence added later.")
    kisela = CourtCase.objects.get(slug="kisela-v-hughes")
    browser.post(f"/admin/cases/courtcase/{kisela.pk}/delete/", {"post": "yes"})
    return {"topic": topic, "image": settings.MEDIA_ROOT / code[len("![](/media/") : -1]}


@pytest.fixture
def fresh_installation(settings):
    """Makes what `migrate` makes of a new, empty database, and an empty media folder."""
    yield lambda: make_fresh_installation(settings)
    # The content types' keys are rolled back with the test: the cache must not keep its own.
    ContentType.objects.clear_cache()


def make_fresh_installation(settings):
    """Content types and permissions are made again under other keys, as another database
    numbers them, and the Editors group (explainer 0004) and the schedule's row (qiportal
    0001) again."""
    types = list(ContentType.objects.order_by("pk").values_list("app_label", "model"))
    connection.check_constraints()  # PostgreSQL empties no table with checks still pending
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    ContentType.objects.clear_cache()
    # In the reverse order (after one more when they are odd, so none is in the middle), so
    # that not one content type keeps its key.
    if len(types) % 2:
        ContentType.objects.create(app_label="another", model="database")
    ContentType.objects.bulk_create(ContentType(app_label=a, model=m) for a, m in types[::-1])
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    Group.objects.create(name="Made first")
    Group.objects.create(name="Editors")  # under another key than the backup's
    ScheduledPublication.current()
    shutil.rmtree(settings.MEDIA_ROOT)


def versions_of(obj):
    return [
        (v.pk, v.revision.date_created, v.revision.user_id, v.revision.comment, v.serialized_data)
        for v in Version.objects.get_for_object(obj).select_related("revision")
    ]


def test_a_restore_brings_back_every_page_the_history_the_images_and_the_log_ins(
    site, fresh_installation, client, settings, tmp_path
):
    topic = site["topic"]
    pages = public_pages(client)
    assert b'<img alt="" src="/media/uploads/' in pages[topic.get_absolute_url()]
    history = versions_of(topic)
    assert len(history) == 3  # shipped, then two edits in the admin
    image = site["image"].read_bytes()
    archive = tmp_path / "site.zip"

    said = run("backup", archive)
    assert f"Wrote {archive}: " in said
    assert "6 topics, " in said
    assert "32 links between cases and topics, " in said
    assert "1 uploaded file(s)" in said
    assert "It holds the users' password hashes" in said
    assert "- sessions.session: log-ins in progress" in said

    types = dict(ContentType.objects.values_list("pk", "model"))
    fresh_installation()
    assert not set(ContentType.objects.values_list("pk", "model")) & set(types.items())
    assert not site["image"].exists()
    settings.PAGE_CACHE_ENABLED = True
    assert topic.title not in client.get("/").text  # the empty site's page, kept in the cache

    said = run("restore", archive)
    assert f"Restored {archive}, taken " in said
    assert "2 users, " in said
    assert "Uploaded files: 1 written, 0 already there." in said
    assert topic.title in client.get("/").text  # not the empty site's page from the cache
    settings.PAGE_CACHE_ENABLED = False

    after = public_pages(client)
    assert after.keys() == pages.keys()
    for url in pages:
        assert after[url] == pages[url], f"{url} differs after the restore"
    assert site["image"].read_bytes() == image

    # Both can log in again, with the rights they had (their group, with its permissions).
    browser, response = log_in("editor")
    assert response.status_code == 302
    assert browser.get(f"/admin/explainer/topic/{topic.pk}/change/").status_code == 200
    browser, response = log_in("boss")
    assert response.headers["Location"] == "/admin/"

    # The history lists the same versions, and an older one can be reverted to.
    assert versions_of(topic) == history
    page = browser.get(f"/admin/explainer/topic/{topic.pk}/history/").text
    for version_id, *_ in history:
        assert f"/admin/explainer/topic/{topic.pk}/history/{version_id}/" in page
    earlier = f"/admin/explainer/topic/{topic.pk}/history/{history[1][0]}/"
    assert browser.post(earlier, form_data(browser.get(earlier).text)).status_code == 302
    assert "A sentence added later." not in client.get(topic.get_absolute_url()).text

    # A case deleted before the backup can be recovered after it.
    deleted = Version.objects.get_deleted(CourtCase).get()
    recover = f"/admin/cases/courtcase/recover/{deleted.pk}/"
    assert browser.post(recover, form_data(browser.get(recover).text)).status_code == 302
    assert client.get("/cases/kisela-v-hughes/").status_code == 200

    # New rows get keys of their own (PostgreSQL's sequences are past the restored keys).
    edit(browser, "/admin/explainer/topic/add/", title="New", slug="new", summary="S.", body="B.")
    assert Topic.objects.filter(slug="new").exists()


def test_without_users_the_history_keeps_its_versions_without_who(
    site, fresh_installation, client, tmp_path
):
    pages = public_pages(client)
    topic = site["topic"]
    history = [(pk, date, comment) for pk, date, _, comment, _ in versions_of(topic)]
    archive = tmp_path / "site.zip"

    said = run("backup", "--no-users", archive)
    assert "Users are left out" in said
    assert "password hashes" not in said
    with zipfile.ZipFile(archive) as opened:
        data = opened.read("data.jsonl").decode()
        manifest = json.loads(opened.read("manifest.json"))
    assert '"model": "auth.user"' not in data
    assert "md5$" not in data  # no password hash
    assert manifest["users"] is False
    assert "auth.user" in manifest["left_out"]
    assert "admin.logentry" in manifest["left_out"]  # each entry names its user

    fresh_installation()
    said = run("restore", archive)
    assert "make an account with `manage.py createsuperuser`" in said
    assert not User.objects.exists()
    assert not Revision.objects.exclude(user=None).exists()
    assert [(pk, date, comment) for pk, date, _, comment, _ in versions_of(topic)] == history
    assert public_pages(client) == pages


def test_a_file_already_in_the_media_folder_is_kept_when_it_is_the_same(
    site, fresh_installation, tmp_path
):
    archive = tmp_path / "site.zip"
    run("backup", archive)
    image = site["image"].read_bytes()
    fresh_installation()
    site["image"].parent.mkdir(parents=True)
    site["image"].write_bytes(image)
    assert "Uploaded files: 0 written, 1 already there." in run("restore", archive)


def test_a_different_file_under_the_same_name_is_never_overwritten(
    site, fresh_installation, settings, tmp_path
):
    archive = tmp_path / "site.zip"
    run("backup", archive)
    fresh_installation()
    site["image"].parent.mkdir(parents=True)
    site["image"].write_bytes(b"another picture")
    name = site["image"].relative_to(settings.MEDIA_ROOT)
    with pytest.raises(
        CommandError, match=rf"differ from the backup's under the same name: {name}"
    ):
        run("restore", archive)
    assert site["image"].read_bytes() == b"another picture"
    assert not Topic.objects.exists()  # nothing was restored


def test_a_database_with_content_is_refused(site, tmp_path):
    archive = tmp_path / "site.zip"
    run("backup", archive)
    topic = site["topic"]
    Topic.objects.filter(pk=topic.pk).update(title="Changed since the backup")
    with pytest.raises(CommandError, match=r"already has content \(2 users, .*6 topics"):
        run("restore", archive)
    assert Topic.objects.get(pk=topic.pk).title == "Changed since the backup"


def rewritten(archive, tmp_path, **members):
    """A copy of `archive` with some members replaced (bytes) or taken out (None)."""
    copy = tmp_path / "copy.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(copy, "w") as target:
        for info in source.infolist():
            if info.filename not in members:
                target.writestr(info, source.read(info))
        for name, content in members.items():
            if content is not None:
                target.writestr(name, content)
    return copy


@pytest.fixture
def backed_up(db, tmp_path):
    """A backup of an empty installation, and that installation, ready for a restore."""
    archive = tmp_path / "site.zip"
    run("backup", archive)
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read("manifest.json"))
    return archive, manifest


def manifest_with(manifest, **changes):
    return json.dumps({**manifest, **changes}).encode()


COURT = {"model": "cases.court", "pk": 1, "fields": {"name": "C", "short_name": "C", "slug": "c"}}
CASE = {
    "model": "cases.courtcase",
    "pk": 1,
    "fields": {
        **{"status": "published", "published_at": "2020-01-01T00:00:00Z"},
        **{"created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z"},
        **{"name": "A v. B", "slug": "a-v-b", "court": 1, "year": 3000, "holding": "H."},
        **{"summary": "", "summary_html": "", "outcome": "granted", "opinion_url": ""},
    },
}
ORPHAN = {
    "model": "cases.citation",
    "pk": 1,
    "fields": {"case": 99, "volume": 1, "reporter": "U.S.", "page": 1, "position": 0},
}


def lines(*objects):
    return "".join(json.dumps(obj) + "\n" for obj in objects).encode()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"manifest.json": None}, "is not a backup made by `manage.py backup`: it has no"),
        ({"manifest.json": b"{not json"}, "its manifest.json cannot be read"),
        ({"manifest.json": b'{"format": "qiportal-content"}'}, "not a qiportal-backup manifest"),
        ({"data.jsonl": None}, "is damaged: its manifest or its data is missing"),
        ({"media/../../outside.png": b"x"}, "a file outside its media folder"),
        ({"data.jsonl": b'{"model": "cases.nothing", "pk": 1, "fields": {}}\n'}, "cannot be"),
        (
            {"data.jsonl": lines(COURT, CASE)},
            "The database refused cases.courtcase 1 from the backup: The year must be between "
            "1789 and 2100.",
        ),
        ({"data.jsonl": lines(ORPHAN)}, "The backup's data does not hold together: "),
    ],
)
def test_an_archive_that_cannot_be_read_is_refused_in_words(backed_up, tmp_path, change, says):
    archive, _ = backed_up
    with pytest.raises(CommandError, match=re.escape(says)):
        run("restore", rewritten(archive, tmp_path, **change))


def test_a_backup_of_another_version_or_migrations_is_refused(backed_up, tmp_path):
    archive, manifest = backed_up
    later = manifest_with(manifest, version=2)
    with pytest.raises(CommandError, match="a backup of version 2; this portal reads version 1"):
        run("restore", rewritten(archive, tmp_path, **{"manifest.json": later}))
    migrations = {**manifest["migrations"]}
    migrations["explainer"] = [*migrations["explainer"], "9999_from_a_later_release"]
    ahead = manifest_with(manifest, migrations=migrations)
    with pytest.raises(CommandError, match=r"this database has not run: explainer\.9999_from"):
        run("restore", rewritten(archive, tmp_path, **{"manifest.json": ahead}))


def test_a_damaged_or_missing_archive_is_refused(backed_up, tmp_path):
    archive, _ = backed_up
    # A picture stored as it is (not compressed), then one of its bytes changed.
    damaged = rewritten(archive, tmp_path, **{"media/a.png": b"the picture as it was"})
    damaged.write_bytes(damaged.read_bytes().replace(b"as it was", b"as it WAS"))
    not_a_zip = tmp_path / "notes.txt"
    not_a_zip.write_text("a shopping list")
    for path, says in [
        (damaged, "is damaged: media/a.png does not match its checksum"),
        (not_a_zip, "is not a backup: it is not a zip archive"),
        (tmp_path / "missing.zip", "Cannot read"),
    ]:
        with pytest.raises(CommandError, match=says):
            run("restore", path)


def test_a_backup_needs_a_place_to_write(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot write in"):
        run("backup", tmp_path / "no-such-folder" / "site.zip")
    with pytest.raises(CommandError, match="is a folder"):
        run("backup", tmp_path)


def test_a_name_two_kinds_share_says_which_each_is(monkeypatch):
    monkeypatch.setattr(LawTopic._meta, "verbose_name_plural", "links between cases and topics")
    said = describe({"explainer.casetopic": 3, "explainer.lawtopic": 2, "explainer.topic": 6})
    assert said.startswith(
        "3 links between cases and topics (explainer.casetopic), "
        "2 links between cases and topics (explainer.lawtopic), 6 topics"
    )
