"""The reader's pages of a database, saved to a folder or compared with a folder saved before (run on
demand, not a test): a change to how the pages are rendered must leave them byte-identical.

    DEBUG=1 DATABASE_URL=sqlite:////tmp/corpus.sqlite3 python bench/page_snapshots.py save /tmp/before
    (change the code; copy this file into the old tree to save from it)
    DEBUG=1 DATABASE_URL=sqlite:////tmp/corpus.sqlite3 python bench/page_snapshots.py compare /tmp/before

The pages: the timeline unfiltered and filtered (each escalation; the busiest, a middling and a rare
actor, alone and with an escalation; dates; a country; a CAMEO family; text; every review status;
errors), its "later entries" pages (the link followed, whole and as the fragment the page loads),
/reactions/, and the pages of those three actors, each as an anonymous reader and as a curator (a
staff user made for the run in a transaction rolled back after it: nothing is written).
"""

import os
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")

import django  # noqa: E402

django.setup()

import re  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from events.models import Escalation, EventParticipant  # noqa: E402

NEXT = re.compile(rb'<a rel="next" class="load-more" href="([^"]+)"')


def urls() -> list[str]:
    escalations = list(Escalation.objects.order_by("start_date").values_list("slug", flat=True))
    busy = list(
        EventParticipant.objects.values("actor__slug", "actor")
        .annotate(n=Count("id"))
        .order_by("-n", "actor__slug")[:200]
    )
    chosen = [busy[0], busy[len(busy) // 2], busy[-1]] if busy else []
    actors = [row["actor__slug"] for row in chosen]
    pages = ["/", "/?per_page=60", "/?review_status=any", "/?review_status=draft", "/?review_status=rejected"]
    pages += [f"/?escalation={slug}" for slug in escalations]
    for actor in actors:
        pages += [f"/?actor={actor}", f"/?actor={actor}&review_status=any"]
        pages += [f"/?escalation={slug}&actor={actor}" for slug in escalations[:3]]
    if escalations and actors:
        pages.append(f"/?escalation={escalations[-1]}&actor={actors[0]}&date_from=2023-09-19&date_to=2023-09-30")
    pages += [
        "/?date_from=2020-09-27&date_to=2020-11-10",
        "/?date_to=2016-04-05",
        "/?country=AZ",
        "/?type=19",
        "/?type=0256&review_status=any",
        "/?q=ceasefire",
        "/?outlet_kind=state_media",
        "/?speaker=" + (actors[0] if actors else "x"),
        "/?actor=no-such-actor-at-all",
        "/?date_from=yesterday",
        "/?review_status=maybe",
        "/?after=garbage",
        "/reactions/",
        "/reactions/?all=1",
        "/reactions/?review_status=any",
        "/reactions/?speaker_country=AM",
    ]
    pages += [f"/actors/{row['actor']}/" for row in chosen]
    return pages


def pages(client: Client, who: str) -> dict[str, bytes]:
    found = {}
    for url in urls():
        response = client.get(url)
        found[f"{who} {url}"] = b"%d\n" % response.status_code + response.content
        # The next two pages of "later entries", whole and as the fragment static/js/timeline.js loads.
        following = NEXT.search(response.content)
        for _ in range(2):
            if not following:
                break
            link = following.group(1).decode().replace("&amp;", "&")
            page = client.get(link)
            found[f"{who} {link}"] = b"%d\n" % page.status_code + page.content
            fragment = client.get(f"{link}&fragment=entries")
            found[f"{who} {link}&fragment=entries"] = b"%d\n" % fragment.status_code + fragment.content
            following = NEXT.search(page.content)
    return found


def snapshot() -> dict[str, bytes]:
    found = pages(Client(HTTP_HOST="localhost"), "reader")
    with transaction.atomic():
        user = get_user_model().objects.create_user("snapshot-curator", is_staff=True, is_superuser=True)
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        found |= pages(client, "curator")
        transaction.set_rollback(True)
    return found


def main(action: str, folder: Path) -> None:
    found = snapshot()
    names = {key: quote(key, safe="") + ".html" for key in found}
    if action == "save":
        folder.mkdir(parents=True, exist_ok=True)
        for key, content in found.items():
            (folder / names[key]).write_bytes(content)
        print(f"saved {len(found)} pages to {folder}")
        return
    differ = [key for key in found if (folder / names[key]).read_bytes() != found[key]]
    missing = {path.name for path in folder.iterdir()} - set(names.values())
    print(f"{len(found)} pages compared: {len(differ)} differ, {len(missing)} saved but not made now")
    for key in differ:
        print(f"  differs: {key}")
    sys.exit(1 if differ or missing else 0)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
