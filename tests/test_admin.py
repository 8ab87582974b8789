"""Editors curate everything in the admin, and no edit is ever lost."""

import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from compare.client_ip import client_ip
from frameworks.dataset.files import read_fixtures
from frameworks.dataset.load import Mode, load_document
from frameworks.editors import make_editor
from frameworks.models import Claim, Feature, Framework, Source, SourceText, Verdict
from tests.factories import make_feature, make_framework, make_source, support

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unguessable passphrase"
CURATED = [model for model in admin.site._registry if model._meta.app_label == "frameworks"]


@pytest.fixture
def superuser():
    return User.objects.create_superuser("boss", "boss@example.org", PASSWORD)


@pytest.fixture
def editor():
    return make_editor(username="ed", password=PASSWORD)[0]


@pytest.fixture
def other_editor():
    return make_editor(username="alice", password=PASSWORD)[0]


def post_data(response) -> dict:
    """What the browser would send back from an admin change form, unchanged."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, datetime.date):
                data[bound.html_name] = value.isoformat()
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def change_url(obj) -> str:
    return reverse(f"admin:frameworks_{obj._meta.model_name}_change", args=[obj.pk])


# --- Every page renders for both kinds of staff ----------------------------------------


# A style attribute, an inline <script> or an on* handler attribute.
INLINE_CODE = re.compile(r"""\sstyle=["']|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+=["']""")


@pytest.mark.parametrize("user_fixture", ["superuser", "editor"])
@pytest.mark.parametrize("model", CURATED, ids=[m._meta.model_name for m in CURATED])
def test_every_changelist_add_change_and_history_page_renders(client, request, user_fixture, model):
    client.force_login(request.getfixturevalue(user_fixture))
    name = f"admin:frameworks_{model._meta.model_name}"
    obj = model.objects.order_by("pk").first()
    for url in (
        reverse(f"{name}_changelist"),
        reverse(f"{name}_add"),
        reverse(f"{name}_change", args=[obj.pk]),
        reverse(f"{name}_history", args=[obj.pk]),
        reverse(f"{name}_deleted"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not INLINE_CODE.search(response.content.decode()), (
            f"{url} has inline script or style, which the Content-Security-Policy blocks"
        )


@pytest.mark.parametrize(
    "query",
    ["category=asynchronous", "disputed=yes", "unknown=first_release", "status=draft", "q=async"],
)
def test_framework_changelist_filters_render(client, superuser, query):
    client.force_login(superuser)
    url = reverse("admin:frameworks_framework_changelist") + "?" + query
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "disputed=yes",
        "disputed=resolved",
        "unknown=yes",
        "citation=no-locator",
        "citation=unarchived",
        "kind__exact=figure",
        "q=SQLAlchemy",
    ],  # fmt: skip
)
def test_claim_changelist_filters_render(client, superuser, query):
    client.force_login(superuser)
    url = reverse("admin:frameworks_claim_changelist") + "?" + query
    assert client.get(url).status_code == 200


def test_the_disputed_filter_finds_claims_on_disputed_subjects(client, superuser):
    framework, feature = make_framework(slug="quarrel", name="Quarrel"), make_feature()
    support(framework, feature, "yes", how="built_in", excerpt="It has it, built in.")
    support(framework, feature, "no", excerpt="It does not have it.")
    support(framework, make_feature(), "yes", how="built_in", excerpt="Agreed by everyone.")
    client.force_login(superuser)
    url = reverse("admin:frameworks_claim_changelist") + "?disputed=yes&q=Quarrel"
    page = client.get(url).content.decode()
    assert "It has it, built in." in page
    assert "It does not have it." in page
    assert "Agreed by everyone." not in page


# --- Least privilege and login throttling ------------------------------------------------


def test_an_editor_cannot_open_users_groups_or_permissions(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:frameworks_framework_changelist")).status_code == 200


def test_only_staff_reach_the_admin(client):
    client.force_login(User.objects.create_user("visitor", password=PASSWORD))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_repeated_failed_logins_lock_the_account_out(client, editor):
    login = reverse("admin:login")
    address = {"REMOTE_ADDR": "10.0.0.9"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "ed", "password": "wrong"}, **address)
        assert response.status_code == 200  # the form, with its error
    response = client.post(login, {"username": "ed", "password": "wrong"}, **address)
    assert response.status_code == 429
    response = client.post(login, {"username": "ed", "password": PASSWORD}, **address)
    assert response.status_code == 429, "even the right password, while locked out"
    assert b"Too many failed logins" in response.content
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_the_lockout_counts_the_visitors_address_not_the_proxys(
    client, editor, settings
):
    settings.PROXY_COUNT = 1
    login = reverse("admin:login")
    balancer = "10.0.0.2"
    attacker = {"REMOTE_ADDR": balancer, "HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "ed", "password": "wrong"}, **attacker)
    response = client.post(login, {"username": "ed", "password": PASSWORD}, **attacker)
    assert response.status_code == 429
    # An address the visitor wrote in front of the proxy's changes nothing.
    spoofed = {**attacker, "HTTP_X_FORWARDED_FOR": "198.51.100.2, 203.0.113.7"}
    assert (
        client.post(login, {"username": "ed", "password": PASSWORD}, **spoofed).status_code == 429
    )
    # The editor, at another address behind the same balancer, still logs in.
    editor_address = {"REMOTE_ADDR": balancer, "HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    response = client.post(login, {"username": "ed", "password": PASSWORD}, **editor_address)
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "10.0.0.2"),  # no proxy trusted: the header is the visitor's words
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.2, 203.0.113.7", "203.0.113.7"),
        (2, "198.51.100.2, 203.0.113.7", "198.51.100.2"),
        (2, "203.0.113.7", "10.0.0.2"),  # fewer than the proxies: not through them
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_visitors_address_is_read_only_from_trusted_proxies(
    rf, settings, proxies, forwarded, expected
):
    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_create_editor_makes_a_staff_account_in_the_editors_group(monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", PASSWORD)
    call_command("create_editor", "newbie", stdout=io.StringIO())
    user = User.objects.get(username="newbie")
    assert user.is_staff
    assert not user.is_superuser
    assert user.groups.filter(name="Editors").exists()
    assert user.check_password(PASSWORD)
    assert user.has_perm("frameworks.change_claim")
    assert not user.has_perm("auth.change_user")


@pytest.mark.parametrize(
    ("username", "message"),
    [("", "cannot be blank"), ("bad name!/?", "valid username"), ("x" * 200, "at most 150")],
)
def test_create_editor_refuses_a_bad_name(monkeypatch, username, message):
    monkeypatch.setenv("EDITOR_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match=message):
        call_command("create_editor", username, stdout=io.StringIO())


def test_create_editor_never_demotes_an_administrator(monkeypatch, superuser):
    monkeypatch.setenv("EDITOR_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="is an administrator"):
        call_command("create_editor", superuser.username, stdout=io.StringIO())
    superuser.refresh_from_db()
    assert superuser.is_superuser


def test_create_editor_refuses_a_weak_password_or_none(monkeypatch):
    monkeypatch.setenv("EDITOR_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="Password refused"):
        call_command("create_editor", "weak", stdout=io.StringIO())
    monkeypatch.delenv("EDITOR_PASSWORD")
    monkeypatch.setattr("os.isatty", lambda fd: False)  # as from a script or CI
    with pytest.raises(CommandError, match="set \\$EDITOR_PASSWORD"):
        call_command("create_editor", "weak", stdout=io.StringIO())
    assert not User.objects.filter(username="weak").exists()


# --- Validation in the model, shown on the form ------------------------------------------


def claim_form(**fields) -> dict:
    django = Framework.objects.get(slug="django")
    return {
        "framework": django.pk,
        "source": django.claims.first().source_id,
        "excerpt": "synchronous request processing,",
        **fields,
    }


def test_partial_without_a_note_is_refused_with_a_friendly_message(client, editor):
    client.force_login(editor)
    data = claim_form(
        kind="feature", feature=Feature.objects.get(slug="graphql").pk, status="partial"
    )
    response = client.post(reverse("admin:frameworks_claim_add"), data)
    assert response.status_code == 200
    assert "a partial status always carries a note" in response.content.decode()


def test_a_figure_needs_an_as_of_date(client, editor):
    client.force_login(editor)
    data = claim_form(kind="figure", metric="github_stars", value="10")
    response = client.post(reverse("admin:frameworks_claim_add"), data)
    assert response.status_code == 200
    assert "Required for a figure claim" in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "first_release", "year": "0"}, "A year between 1990 and 2100."),
        ({"kind": "built_on", "based_on": "django"}, "A framework is not built on itself."),
    ],
)
def test_implausible_values_are_refused(client, editor, fields, message):
    client.force_login(editor)
    if "based_on" in fields:
        fields["based_on"] = Framework.objects.get(slug=fields["based_on"]).pk
    response = client.post(reverse("admin:frameworks_claim_add"), claim_form(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_second_claim_from_the_same_source_on_the_same_subject_is_refused(client, editor):
    client.force_login(editor)
    existing = Claim.objects.filter(framework__slug="django", kind="feature").first()
    data = claim_form(kind="feature", feature=existing.feature_id, status="yes")
    data["source"] = existing.source_id
    response = client.post(reverse("admin:frameworks_claim_add"), data)
    assert "already has a claim on this subject" in response.content.decode()


# --- Drafts ---------------------------------------------------------------------------------


def test_bulk_actions_publish_unpublish_and_mark_verified(client, editor):
    client.force_login(editor)
    url = reverse("admin:frameworks_framework_changelist")
    bottle = Framework.objects.get(slug="bottle")

    client.post(url, {"action": "unpublish", "_selected_action": [bottle.pk]})
    bottle.refresh_from_db()
    assert bottle.status == "draft"
    preview = client.get("/frameworks/bottle/")  # staff may preview a draft
    assert preview.status_code == 200
    assert b"Draft: only staff can see this page" in preview.content
    client.logout()
    assert client.get("/frameworks/bottle/").status_code == 404
    assert b'value="bottle"' not in client.get("/").content

    client.force_login(editor)
    client.post(url, {"action": "publish", "_selected_action": [bottle.pk]})
    client.post(url, {"action": "mark_verified_today", "_selected_action": [bottle.pk]})
    bottle.refresh_from_db()
    assert bottle.status == "published"
    assert bottle.last_verified == datetime.date.today()
    assert bottle.history.first().history_user == editor


def test_a_framework_with_no_claims_cannot_be_published(client, editor):
    client.force_login(editor)
    empty = make_framework(slug="empty", name="Empty", status="draft")
    url = reverse("admin:frameworks_framework_changelist")
    response = client.post(url, {"action": "publish", "_selected_action": [empty.pk]}, follow=True)
    assert "Empty has no claims yet" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == "draft"

    data = post_data(client.get(change_url(empty)))
    data["status"] = "published"
    response = client.post(change_url(empty), data)
    assert response.status_code == 200
    assert "has no claims yet" in response.content.decode()
    empty.refresh_from_db()
    assert empty.status == "draft"
    client.logout()
    assert client.get("/frameworks/empty/").status_code == 404


def test_claims_can_be_listed_for_one_framework_and_search_ignores_source_titles(client, editor):
    client.force_login(editor)
    url = reverse("admin:frameworks_claim_changelist")
    bottle = Framework.objects.get(slug="bottle")
    page = client.get(url, {"framework__id__exact": bottle.pk})
    listed = page.context["cl"].result_list
    assert listed
    assert {claim.framework_id for claim in listed} == {bottle.pk}

    titled = Source.objects.filter(title__icontains="flask")
    cited = Claim.objects.filter(source__in=titled).exclude(framework__slug="flask")
    for field in ("excerpt", "note", "text", "package", "feature__name"):
        cited = cited.exclude(**{f"{field}__icontains": "flask"})
    found = client.get(url, {"q": "flask"}).context["cl"].queryset
    assert cited.exists()
    assert not found.filter(pk__in=cited).exists()


def test_a_draft_feature_is_invisible_to_the_public(client):
    Feature.objects.filter(slug="graphql").update(status="draft")
    assert client.get("/features/graphql/").status_code == 404
    assert "/features/graphql/" not in client.get("/").content.decode()


# --- History and revert ------------------------------------------------------------------


def test_an_admin_edit_is_recorded_with_who_and_shows_on_the_next_request(client, editor):
    client.force_login(editor)
    hug = Framework.objects.get(slug="hug")
    form = client.get(change_url(hug))
    data = post_data(form)
    data["summary"] = "Edited in the admin."
    response = client.post(change_url(hug), data)
    assert response.status_code == 302, response.content.decode()[:2000]

    record = hug.history.first()
    assert record.history_user == editor
    assert record.summary == "Edited in the admin."
    assert "Edited in the admin." in client.get("/frameworks/hug/").content.decode()
    history_page = client.get(reverse("admin:frameworks_framework_history", args=[hug.pk]))
    assert "Edited in the admin." in history_page.content.decode()
    changes = client.get("/changes/").content.decode()
    latest = changes[changes.index("<tbody>") : changes.index("</tr>", changes.index("<tbody>"))]
    assert "Framework changed" in latest
    assert "summary" in latest


def test_recent_changes_leave_out_drafts(client, django_assert_max_num_queries):
    secret = make_framework(slug="secret-sauce", name="Secret Sauce", status="draft")
    secret.summary = "Still a secret."
    secret.save()
    flask = Framework.objects.get(slug="flask")
    flask.summary = "Flask, summarised anew."
    flask.save()
    for source in Source.objects.all()[:3]:
        source.summary += " Reviewed."
        source.save()

    with django_assert_max_num_queries(10):
        page = client.get("/changes/").content.decode()
    assert "/frameworks/flask/" in page
    assert "Secret Sauce" not in page

    secret.status = "published"
    secret.save()
    assert "Secret Sauce" in client.get("/changes/").content.decode()


def test_a_deleted_source_shows_on_recent_changes_as_a_deletion_with_no_dead_link(client):
    source = make_source(slug="short-lived", title="A short-lived source")
    source.summary = "Edited once."
    source.save()
    source.delete()

    page = client.get("/changes/").content.decode()
    assert "Source removed: A short-lived source" in page
    assert "/sources/short-lived/" not in page, "its page is gone: no link to it anywhere"
    assert "Source changed: A short-lived source" in page


def test_writes_outside_the_admin_are_recorded_too():
    flask = Framework.objects.get(slug="flask")
    flask.homepage = "https://flask.example.org/"
    flask.save()  # as from the shell
    record = flask.history.first()
    assert record.homepage == "https://flask.example.org/"
    assert record.history_user is None
    assert record.history_type == "~"
    loaded = Claim.objects.filter(framework__slug="flask").first().history.last()
    assert loaded.history_change_reason == "load_dataset"


def test_the_shell_starts_without_warnings_about_history_models(capsys):
    call_command("shell", command="print(Framework.history.model.__name__)")
    out, err = capsys.readouterr()
    assert "HistoricalFramework" in out
    assert "could not be automatically imported" not in out + err


def test_a_revert_restores_the_old_values(client, editor):
    client.force_login(editor)
    django = Framework.objects.get(slug="django")
    original = django.summary
    django.summary = "A mistaken summary."
    django.save()
    old = django.history.filter(summary=original).first()

    url = reverse("admin:frameworks_framework_simple_history", args=[django.pk, old.history_id])
    response = client.post(url, post_data(client.get(url)))
    assert response.status_code == 302

    django.refresh_from_db()
    assert django.summary == original
    latest = django.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith("Reverted to the version of ")
    history_page = client.get(reverse("admin:frameworks_framework_history", args=[django.pk]))
    page = history_page.content.decode()
    assert "Reverted to the version of " in page
    assert "From the dataset files" in page, "the first version came from the loader"
    assert ">None<" not in page.replace(" ", "").replace("\n", "")


def test_a_deleted_framework_is_restored_with_its_claims(client, editor):
    hug = Framework.objects.get(slug="hug")
    claims = sorted(hug.claims.values_list("pk", flat=True))
    summary = hug.summary
    client.force_login(editor)
    response = client.post(
        reverse("admin:frameworks_framework_delete", args=[hug.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Framework.objects.filter(slug="hug").exists()
    assert client.get("/frameworks/hug/").status_code == 404

    deleted = client.get(reverse("admin:frameworks_framework_deleted")).content.decode()
    assert "Restore Hug" in deleted
    assert f"<td>{len(claims)}</td>" in deleted, "says how many claims went with it"

    record = Framework.history.filter(slug="hug", history_type="-").first()
    restore_url = reverse("admin:frameworks_framework_restore", args=[record.history_id])
    response = client.post(restore_url)
    assert response.status_code == 302
    hug = Framework.objects.get(slug="hug")
    assert hug.summary == summary
    assert sorted(hug.claims.values_list("pk", flat=True)) == claims
    assert hug.history.first().history_change_reason == "restored after deletion"
    assert hug.history.first().history_user == editor
    assert client.get("/frameworks/hug/").status_code == 200
    assert (
        "Restore Hug"
        not in client.get(reverse("admin:frameworks_framework_deleted")).content.decode()
    )

    # Restoring twice explains itself instead of failing.
    response = client.post(restore_url, follow=True)
    assert response.status_code == 200
    assert "exists again already" in response.content.decode()


def test_a_restore_that_would_clash_is_refused_with_a_reason(client, editor):
    Framework.objects.get(slug="hug").delete()
    make_framework(slug="hug", name="Another Hug")
    record = Framework.history.filter(name="Hug", history_type="-").first()
    client.force_login(editor)
    restore_url = reverse("admin:frameworks_framework_restore", args=[record.history_id])
    page = client.post(restore_url, follow=True).content.decode()
    assert "Hug cannot come back" in page
    assert "Slug already exists" in page
    assert Framework.objects.get(slug="hug").name == "Another Hug"


def test_a_deleted_source_comes_back_with_the_sources_it_cites(client, editor):
    cited = Source.objects.get(slug="netguru-2023")
    citing = make_source(slug="citing-source", title="A citing source")
    citing.cites.set([cited])
    citing.delete()
    client.force_login(editor)
    record = Source.history.filter(slug="citing-source", history_type="-").first()
    client.post(reverse("admin:frameworks_source_restore", args=[record.history_id]))
    assert list(Source.objects.get(slug="citing-source").cites.all()) == [cited]


# --- No lost update ------------------------------------------------------------------------


def test_a_save_over_someone_elses_newer_save_is_refused_and_shows_their_change(
    client, editor, other_editor
):
    hug = Framework.objects.get(slug="hug")
    client.force_login(editor)
    mine = post_data(client.get(change_url(hug)))  # I open the page...

    alice = type(client)()
    alice.force_login(other_editor)
    theirs = post_data(alice.get(change_url(hug)))  # ...so does Alice, who saves first
    theirs["summary"] = "Alice's summary."
    assert alice.post(change_url(hug), theirs).status_code == 302

    mine["summary"] = "My summary."
    response = client.post(change_url(hug), mine)
    page = response.content.decode()
    assert response.status_code == 200
    assert "alice saved this" in page
    assert "Alice&#x27;s summary." in page
    assert "My summary." in page, "my edit stays in the form"
    hug.refresh_from_db()
    assert hug.summary == "Alice's summary."

    # Having seen her change, saving again replaces it.
    again = post_data(response)
    response = client.post(change_url(hug), again)
    assert response.status_code == 302
    hug.refresh_from_db()
    assert hug.summary == "My summary."


def subject_url(framework, subject: str) -> str:
    return f"{change_url(framework)}?claims={subject}"


def test_an_edited_claim_is_checked_too(client, editor):
    claim = Claim.objects.filter(framework__slug="hug", kind="feature").first()
    url = subject_url(claim.framework, f"feature:{claim.feature.slug}")
    client.force_login(editor)
    mine = post_data(client.get(url))
    claim.note = "Changed meanwhile."
    claim.save()

    # The page still holds the old note: saving it would undo their change.
    response = client.post(url, mine)
    assert response.status_code == 200
    assert "saved this at" in response.content.decode()
    claim.refresh_from_db()
    assert claim.note == "Changed meanwhile."


def test_claims_are_edited_one_subject_at_a_time_and_only_what_changed_is_saved(client, superuser):
    flask = Framework.objects.get(slug="flask")
    orm = flask.claims.filter(feature__slug="orm")
    history_before = Claim.history.count()
    client.force_login(superuser)

    page = client.get(subject_url(flask, "feature:orm"))
    forms = page.context["inline_admin_formsets"][0].formset.forms
    assert len(forms) == orm.count() + 1, "the feature's claims and one empty row to add"
    data = post_data(page)
    first = forms[0].instance
    data[forms[0]["note"].html_name] = "An editor's note."
    response = client.post(subject_url(flask, "feature:orm"), data)
    assert response.status_code == 302
    assert response["Location"] == change_url(flask), "back to the list of subjects"

    first.refresh_from_db()
    assert first.note == "An editor's note."
    assert Claim.history.count() == history_before + 1, "only the edited claim was saved"
    assert flask.history.count() == Framework.objects.get(slug="flask").history.count()


def test_a_new_claim_on_a_feature_page_is_about_that_feature(client, superuser):
    tiny = make_framework(slug="tiny-subject")
    client.force_login(superuser)
    page = client.get(subject_url(tiny, "feature:websockets"))
    data = post_data(page)
    row = page.context["inline_admin_formsets"][0].formset.forms[0]
    source = Source.objects.get(slug="earthly-2024")
    data.update(
        {
            row["source"].html_name: str(source.pk),
            row["status"].html_name: "no",
            row["excerpt"].html_name: "No WebSockets here.",
        }
    )
    assert client.post(subject_url(tiny, "feature:websockets"), data).status_code == 302
    claim = tiny.claims.get()
    assert (claim.kind, claim.feature.slug, claim.status) == ("feature", "websockets", "no")


@pytest.mark.parametrize("subject", ["feature:teleportation", "bogus", "category:extra", "%ff"])
def test_an_unknown_subject_shows_the_list_of_subjects_with_a_message(client, superuser, subject):
    client.force_login(superuser)
    page = client.get(subject_url(Framework.objects.get(slug="flask"), subject))
    assert page.status_code == 200
    assert "Claims (" in page.content.decode()


def test_a_framework_with_250_claims_is_edited_fast_and_far_from_the_field_limit(
    client, superuser, django_assert_max_num_queries
):
    """Django refuses forms of over 1,000 fields; the old page had 923 for 71 claims."""
    import time

    big = make_framework(slug="big")
    features = list(Feature.objects.all())
    sources = [make_source() for _ in range(5)]
    Claim.objects.bulk_create(
        Claim(
            framework=big,
            source=source,
            kind="feature",
            feature=feature,
            status="yes",
            how="built_in",
            excerpt=f"{feature.slug} works",
        )  # fmt: skip
        for feature in features
        for source in sources
    )
    assert big.claims.count() >= 250
    client.force_login(superuser)
    client.get(change_url(Framework.objects.get(slug="flask")))  # templates compiled

    started = time.perf_counter()
    with django_assert_max_num_queries(25):
        overview = client.get(change_url(big))
    assert time.perf_counter() - started < 1.0
    assert f"Claims ({big.claims.count()})" in overview.content.decode()
    assert len(post_data(overview)) < 50

    for feature in features[:3]:
        page = client.get(subject_url(big, f"feature:{feature.slug}"))
        data = post_data(page)
        assert len(data) < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS / 10
        assert client.post(subject_url(big, f"feature:{feature.slug}"), data).status_code == 302


def test_a_code_sample_keeps_its_exact_text_through_an_admin_save(client, editor):
    """The admin stripped the final newline: a phantom change in history on every save."""
    flask = Framework.objects.get(slug="flask")
    assert flask.hello_world.endswith("\n")
    history = flask.history.count()
    client.force_login(editor)
    data = post_data(client.get(change_url(flask)))
    # A browser sends a textarea's line breaks as CRLF.
    data["hello_world"] = flask.hello_world.replace("\n", "\r\n")
    data["summary"] = flask.summary + "\n\n"
    assert client.post(change_url(flask), data).status_code == 302
    saved = Framework.objects.get(slug="flask")
    assert saved.hello_world == flask.hello_world
    assert saved.summary == flask.summary + "\n\n"

    # Saved again unchanged: nothing differs, so history shows no change to the sample.
    client.post(change_url(flask), post_data(client.get(change_url(flask))))
    records = list(saved.history.all()[: saved.history.count() - history])
    assert all(r.hello_world == flask.hello_world for r in records)


# --- Bulk import ---------------------------------------------------------------------------

GOOD_CSV = (
    "framework,source,kind,subject,status,how,package,excerpt,locator\n"
    "tiny,popular-frameworks-2020,feature,openapi,yes,built_in,,automatic documentation,Falcon\n"
    "tiny,popular-frameworks-2020,feature,validation,yes,built_in,,"
    "type-driven automatic validation,Falcon\n"
)


@pytest.fixture
def tiny():
    return make_framework(slug="tiny", name="Tiny")


def upload(client, text: str, **extra):
    url = reverse("admin:frameworks_claim_import")
    data = {"file": SimpleUploadedFile("claims.csv", text.encode(), "text/csv"), **extra}
    return client.post(url, data)


def test_a_csv_import_is_previewed_first_and_applied_in_one_go(client, editor, tiny):
    client.force_login(editor)
    before = Claim.objects.count()
    response = upload(client, GOOD_CSV)
    assert response.status_code == 200
    assert "All 2 rows are valid. Nothing has been saved yet." in response.content.decode()
    assert Claim.objects.count() == before

    csv_text = response.context["csv_text"]
    response = client.post(
        reverse("admin:frameworks_claim_import"), {"csv_text": csv_text, "apply": "1"}
    )
    assert response.status_code == 302
    assert Claim.objects.count() == before + 2
    openapi = Verdict.objects.get(framework=tiny, feature__slug="openapi")
    assert openapi.status == "yes"
    assert Claim.objects.filter(framework=tiny).first().history.first().history_user == editor


def test_without_the_source_texts_the_preview_says_which_excerpts_were_not_checked(
    client, editor, tiny, settings, tmp_path
):
    # As in production: no archive of the articles beside the site.
    settings.SOURCES_DIR = tmp_path / "no-archive"
    client.force_login(editor)
    response = upload(client, GOOD_CSV)
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 of 2 excerpts could not be checked against their source" in page
    assert "2: " in page, "with the reason and how many"


def test_a_csv_with_a_bad_row_lists_every_problem_by_row_and_imports_nothing(client, editor, tiny):
    client.force_login(editor)
    bad = GOOD_CSV + (
        "tiny,popular-frameworks-2020,feature,teleportation,yes,,,made up,Falcon\n"
        "nosuch,popular-frameworks-2020,feature,orm,partial,,,Hug,Falcon\n"
    )
    before = Claim.objects.count()
    response = upload(client, bad)
    page = response.content.decode()
    assert response.status_code == 400
    assert "2 of 4 rows have problems, so nothing was imported" in page
    row_four = page[page.index("<td>4</td>") : page.index("<td>5</td>")]
    assert "unknown feature “teleportation”" in row_four
    assert "framework “nosuch” does not exist" in page[page.index("<td>5</td>") :]
    response = client.post(
        reverse("admin:frameworks_claim_import"), {"csv_text": bad, "apply": "1"}
    )
    assert response.status_code == 400
    assert Claim.objects.count() == before


def test_a_csv_excerpt_must_be_found_in_the_source(client, editor, tiny):
    # The source's text, as an editor would upload it: the test needs no archive.
    SourceText.objects.update_or_create(
        source=Source.objects.get(slug="popular-frameworks-2020"),
        defaults={"text": "Falcon offers automatic documentation and type-driven automatic "
                          "validation."},
    )  # fmt: skip
    client.force_login(editor)
    text = GOOD_CSV.replace("type-driven automatic validation", "type-driven magic")
    page = upload(client, text).content.decode()
    assert "not found word for word" in page


def test_a_csv_without_the_needed_columns_is_refused(client, editor):
    client.force_login(editor)
    page = upload(client, "framework,kind\nhug,feature\n").content.decode()
    assert "Missing columns: excerpt, source" in page


def test_a_load_of_the_dataset_shows_as_one_row_of_recent_changes_not_hundreds(client):
    # One load seen on its own: a reused test database also holds the history of the
    # loads that brought it up to date with edited fixture files.
    Claim.objects.filter(framework__slug="django").delete()
    for model in (Source, Feature, Framework, Claim):
        model.history.all().delete()
    load_document(read_fixtures(settings.BASE_DIR / "fixtures"), mode=Mode.REPLACE)
    page = client.get("/changes/").content.decode()
    rows = re.findall(r"<tr>\s*<td><time", page)
    batch = re.search(r"(?:At least )?(\d+) claims added<details>", page)
    assert batch, "every claim came from one load: one row says so"
    assert int(batch.group(1)) >= 50
    assert page.count("from the dataset files") == len(rows) <= 5

    flask = Framework.objects.get(slug="flask")
    flask.summary = "Flask, summarised anew."
    flask.save()
    page = client.get("/changes/").content.decode()
    newest = page[page.index("<tbody>") : page.index("</tr>", page.index("<tbody>"))]
    assert "Framework changed: " in newest
    assert "/frameworks/flask/" in newest
