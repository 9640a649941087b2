"""bench/match.py at 10,000 attendees: the service on PostgreSQL, over WSGI calls."""

from __future__ import annotations

import random
import secrets
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa

from bench.match_event import generate
from deploy.rig.postgres import PostgresServer
from services.match import create_app
from services.match.embedding import ABOUT, GIVE, SEEK, Embedder, about_text, to_bytes
from services.match.models import MatchState, Profile
from services.match.pending import BATCH, embed_pending, run_embedding
from services.match.ranking import suggest
from services.match.readmodel import applier
from shared import events as ev
from shared import identity
from shared.config import Settings
from shared.events import to_envelope
from shared.identity import TokenClaims
from shared.tokens import TokenSigner

EVENT = identity.new_event_id()


def rows(profiles, cache) -> list[dict]:
    out = []
    for p in profiles:
        about = about_text(p.headline, p.interests)
        out.append(
            {
                "id": p.id,
                "event_id": EVENT,
                "name": p.name,
                "language": p.language,
                "company": p.company,
                "headline": p.headline,
                "interests": list(p.interests),
                "can_help_with": p.can_help_with,
                "looking_for": p.looking_for,
                "consent_suggest": True,
                "version": 1,
                "seek_vector": to_bytes(cache[(SEEK, p.looking_for)]),
                "give_vector": to_bytes(cache[(GIVE, p.can_help_with)]),
                "about_vector": to_bytes(cache[(ABOUT, about)]),
            }
        )
    return out


def at_scale(big: int, embed_all, cache, percentiles, from_scratch: int = 400) -> None:
    # Attendee ids must be real ids for tokens: renumber the generated ones.
    event = generate(big, 300, seed=5)
    ids = {p.id: identity.new_attendee_id() for p in event.profiles}
    profiles = [p.__class__(**{**p.__dict__, "id": ids[p.id], "event_id": EVENT}) for p in event.profiles]
    embed_all(profiles)
    with tempfile.TemporaryDirectory() as tmp, PostgresServer(Path(tmp) / "pg") as server:
        url = server.create_database("match_bench")
        settings = Settings.from_env(
            {"RAPPORT_DATA_DIR": tmp, "RAPPORT_SECRET_KEY": secrets.token_urlsafe(32)}
        )
        app = create_app(replace(settings, match_database_url=url))
        service, client = app.extensions["match"], app.test_client()
        with service.engine.begin() as conn:
            conn.execute(sa.insert(Profile), rows(profiles, cache))
            conn.execute(sa.update(MatchState).values(version=1))
        signer = TokenSigner.from_settings(settings)

        def auth(pid: str) -> dict:
            token = identity.issue_token(signer, identity.PRIVATE, TokenClaims(EVENT, pid, 1))
            return {"Authorization": f"Bearer {token}"}

        rng = random.Random(3)
        people = [p.id for p in rng.sample(profiles, 300)]
        started = time.perf_counter()
        assert client.get("/v1/me/suggestions", headers=auth(people[0])).status_code == 200
        print(
            f"{big:,} attendees: first request, loading and building the event's arrays: "
            f"{(time.perf_counter() - started) * 1000:.0f} ms"
        )
        samples = []
        for pid in people:
            started = time.perf_counter()
            response = client.get("/v1/me/suggestions", headers=auth(pid))
            samples.append(time.perf_counter() - started)
            assert response.status_code == 200 and len(response.get_json()["suggestions"]) == 5
        print(f"  GET /v1/me/suggestions: {percentiles(samples)}")
        index = service.index.event_of(people[0])
        ranking = []
        for pid in people:
            started = time.perf_counter()
            suggest(index, pid)
            ranking.append(time.perf_counter() - started)
        print(f"  ranking alone: {percentiles(ranking)}")
        profile_edit(client, auth, service, profiles, rng)
        embedding_from_scratch(service, len(profiles), from_scratch)
        service.engine.dispose()


def profile_edit(client, auth, service, profiles, rng) -> None:
    """An attendee rewrites what they give and seek to fit a seeker exactly: how long until the
    seeker's suggestions put them first (the consumer's handler, its embedding loop running in a
    thread as in the consumer process, then the web copy's reload)."""
    seeker, editor = profiles[1], profiles[-1]
    apply = applier()
    updated = ev.AttendeeUpdated(
        event_id=EVENT,
        attendee_id=editor.id,
        name=editor.name,
        email="e@example.org",
        language="en",
        short_code="ABCDEF",
        company="Editor Co",
        can_help_with=seeker.looking_for.replace("Looking for", "I am").replace("أبحث عن", ""),
        looking_for=seeker.can_help_with,
    )
    stop = threading.Event()
    loop = threading.Thread(target=run_embedding, args=(service.sessions, Embedder(), stop))
    loop.start()
    client.get("/v1/me/suggestions", headers=auth(seeker.id))  # the web copy just checked: the worst case
    started = time.perf_counter()
    with service.sessions() as session:
        apply(session, updated, to_envelope(updated))
        session.commit()
    applied = time.perf_counter() - started
    polls = 0
    while True:
        polls += 1
        first = client.get("/v1/me/suggestions", headers=auth(seeker.id)).get_json()["suggestions"][0]
        if first["attendee_id"] == editor.id or time.perf_counter() - started > 10:
            break
        time.sleep(0.05)
    found = first["attendee_id"] == editor.id
    stop.set()
    loop.join()
    print(
        f"  profile edit to re-ranked suggestions: {time.perf_counter() - started:.2f} s "
        f"(consumer's handler {applied * 1000:.0f} ms; the embedding loop looks every 0.25 s; "
        f"the web copy checks every 1 s; {polls} polls){'' if found else ' NOT re-ranked within 10 s'}"
    )


def embedding_from_scratch(service, big: int, sample: int = 400) -> None:
    """`sample` new attendees registered at once (texts the model has not seen), embedded by the
    consumer's embedding loop in its rounds on both cores; extrapolated to `big` attendees."""
    fresh = generate(sample, 0, seed=77).profiles
    apply = applier()
    with service.sessions() as session:
        for p in fresh:
            registered = ev.AttendeeRegistered(
                event_id=EVENT,
                attendee_id=identity.new_attendee_id(),
                name=p.name,
                email="x@example.org",
                language=p.language,
                short_code="ABCDEF",
                company=p.company,
                headline=p.headline,
                interests=p.interests,
                can_help_with=p.can_help_with,
                looking_for=p.looking_for,
            )
            apply(session, registered, to_envelope(registered))
        session.commit()
    embedder = Embedder()
    embedder.embed("seek", ["warm-up"])  # the model's load is once per process, not per event
    started = time.perf_counter()
    rows = 0
    while done := embed_pending(service.sessions, embedder):
        rows += done
    took = time.perf_counter() - started
    print(
        f"embedding from scratch (the consumer's loop, rounds of {BATCH}): {rows} attendees "
        f"in {took:.1f} s, {took / rows * 1000:.1f} ms an attendee; {big:,} attendees extrapolated: "
        f"{took / rows * big / 60:.1f} min"
    )
