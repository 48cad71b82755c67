"""Apply a plan to one channel: the only code that writes to a channel.

Albums first (each id bound the moment it returns), then items in the channel's maximal batches, then the
memberships (they need the new ids), hidden orphans, and retired duplicate albums last (their items have
joined the kept album by then). Every batch is committed through the run's checkpoint as soon as its ids
are bound, so a crash never loses an id the channel handed out. A write whose answer was lost
(OutcomeUnknownError) is never sent again blindly: the exporter re-reads the channel into the cache, asks
the planner again (`gather`) and applies only what is still missing, at most `max_rereads` times a run.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.connectors.capabilities import CatalogChannel
from marketsync.connectors.errors import OutcomeUnknownError
from marketsync.connectors.records import RemoteAlbum, UploadedPhoto, WriteResult
from marketsync.db import utcnow
from marketsync.notices import Notice, notice, of_error
from marketsync.sync import bindings, gather, journal, runs
from marketsync.sync.models import SyncRun
from marketsync.sync.plan import Action, AlbumAction, BindingState, Op, OrphanAction

log = logging.getLogger(__name__)


class ReconcileLimitError(RuntimeError):
    """The channel kept losing answers; the run stops rather than guess."""

    def __init__(self, reason: Notice) -> None:
        super().__init__(reason.english)
        self.notice = reason


@dataclass
class Exporter:
    """Queues decisions and applies them to one channel in batches."""

    session: Session
    conn: Connection
    channel: CatalogChannel
    checkpoint: runs.Checkpoint
    max_rereads: int = 5
    albums: dict[str, str] = field(default_factory=dict)  # title → channel album id
    creates: list[Action] = field(default_factory=list)
    edits: list[Action] = field(default_factory=list)
    memberships: dict[str, list[str]] = field(default_factory=dict)
    album_deletions: list[AlbumAction] = field(default_factory=list)
    rereads: int = 0
    _photo: UploadedPhoto | None = None

    @property
    def run(self) -> SyncRun:
        """The run whose counts this exporter keeps."""
        return self.checkpoint.run

    # -- albums --------------------------------------------------------------------------------------
    def apply_albums(self, actions: Sequence[AlbumAction]) -> dict[str, str]:
        """Bind adopted albums, create missing ones, queue retired ones for deletion; return title → id."""
        pending: list[AlbumAction] = []
        for action in actions:
            if action.op is Op.DELETE:
                self.album_deletions.append(action)
            elif action.op is Op.CREATE:
                pending.append(action)
            else:
                self._bind_album(action.title, action.external_id or "")
        while pending:
            batch = pending[:self.channel.batch_size]
            try:
                results = self.channel.add_albums([a.title for a in batch])
            except OutcomeUnknownError as exc:
                self._reread(exc)
                redo = gather.album_actions(self.session, self.conn, [a.title for a in pending])
                pending = [a for a in redo if a.op is Op.CREATE]
                for action in redo:
                    if action.op in (Op.SKIP, Op.BIND):
                        self._bind_album(action.title, action.external_id or "")
                continue
            for action, result in zip(batch, results, strict=True):
                if result.ok and result.external_id:
                    self._bind_album(action.title, result.external_id)
                    bindings.store_albums(self.session, self.conn, [RemoteAlbum(result.external_id, action.title)],
                                          utcnow())
                    self._note_album(action, "created", action.reason, result.external_id)
                else:
                    self._fail(notice("album_failed", name=action.title, detail=result.error or "refused"))
                    self._note_album(action, "failed", result.error or "refused", None)
            pending = pending[len(batch):]
            self.checkpoint.commit()
        self.checkpoint.commit()
        return self.albums

    def _bind_album(self, title: str, album_id: str) -> None:
        bindings.bind(self.session, self.conn, bindings.ALBUM, title, album_id, None)
        self.albums[title] = album_id

    # -- items ---------------------------------------------------------------------------------------
    def submit(self, action: Action) -> None:
        """Queue one decision; full batches go out at once."""
        if action.op is Op.CREATE:
            self.creates.append(action)
            if len(self.creates) >= self.channel.batch_size:
                self._flush(self.creates, self._send_creates)
            return
        if action.op in (Op.UPDATE, Op.HIDE):
            self.edits.append(action)
            if len(self.edits) >= self.channel.batch_size:
                self._flush(self.edits, self._send_edits)
            return
        self.run.skipped += 1
        self._note(action, "skipped", action.reason, action.bind_to or action.external_id)
        self._settle(action, None)

    def hide_orphans(self, orphans: Sequence[OrphanAction]) -> None:
        """Hide channel items whose product is gone, keeping their ids."""
        pending = list(orphans)
        while pending:
            batch = pending[:self.channel.batch_size]
            try:
                results = self.channel.hide_items([o.external_id for o in batch])
            except OutcomeUnknownError as exc:
                self._reread(exc)
                pending = gather.orphan_actions(self.session, self.conn,
                                                [(o.internal_id, BindingState(o.external_id, None)) for o in pending])
                continue
            for orphan, result in zip(batch, results, strict=True):
                if result.ok:
                    bindings.mark_hidden(self.session, self.conn, orphan.external_id)
                    self.run.hidden += 1
                    outcome, reason = "hidden", orphan.reason
                else:
                    self._fail(notice("item_failed", name=orphan.name or orphan.external_id,
                                      detail=result.error or "refused"))
                    outcome, reason = "failed", result.error or "refused"
                self.checkpoint.journal.note(kind=journal.ORPHAN, internal_id=orphan.internal_id,
                                             name=orphan.name or orphan.external_id, outcome=outcome, reason=reason,
                                             external_id=orphan.external_id)
            pending = pending[len(batch):]
            self.checkpoint.commit()

    def finish(self) -> None:
        """Send everything still queued: items, memberships (they need the new ids), album deletions."""
        while self.creates or self.edits:  # a reconciled batch may queue its products again
            self._flush(self.creates, self._send_creates)
            self._flush(self.edits, self._send_edits)
        self._flush_memberships(force=True)
        self._delete_albums()
        self.checkpoint.commit()

    def _flush(self, queue: list[Action], send: Callable[[list[Action]], list[WriteResult]]) -> None:
        if not queue:
            return
        batch = queue[:]
        queue.clear()
        try:
            results = send(batch)
        except OutcomeUnknownError as exc:
            self._reconcile(batch, exc)
            return
        for action, result in zip(batch, results, strict=True):
            external_id = result.external_id if action.op is Op.CREATE else action.external_id
            if not result.ok or not external_id:
                self._fail(notice("item_failed", name=action.candidate.payload.name, detail=result.error or "refused"))
                self._note(action, "failed", result.error or "refused", action.external_id)
                continue
            self._pushed(action, external_id)
            self._count(action.op)
            self._note(action, journal.OUTCOME_OF[action.op], action.reason, external_id)
            if action.album_external_id and (action.op is Op.CREATE or action.join_album):
                self._join(action.album_external_id, external_id)
        self.checkpoint.commit()

    def _send_creates(self, batch: list[Action]) -> list[WriteResult]:
        photo = self._default_photo().external_id
        return self.channel.add_items([(a.candidate.payload, photo) for a in batch])

    def _send_edits(self, batch: list[Action]) -> list[WriteResult]:
        hides = [a for a in batch if a.op is Op.HIDE]
        updates = [a for a in batch if a.op is Op.UPDATE]
        by_id: dict[int, WriteResult] = {}
        if updates:
            results = self.channel.edit_items([(a.external_id or "", a.candidate.payload) for a in updates])
            by_id.update({id(a): r for a, r in zip(updates, results, strict=True)})
        if hides:
            results = self.channel.hide_items([a.external_id or "" for a in hides])
            by_id.update({id(a): r for a, r in zip(hides, results, strict=True)})
        return [by_id[id(a)] for a in batch]

    def _default_photo(self) -> UploadedPhoto:
        """Upload the channel's default photo once per connection and reuse it (bound by content hash)."""
        if self._photo is None:
            content, filename = self.channel.default_photo()
            digest = hashlib.sha256(content).hexdigest()
            photo = bindings.bound_photo(self.session, self.conn, digest)
            if photo is None:
                photo = self.channel.upload_photo(content, filename)
                bindings.remember_photo(self.session, self.conn, digest, photo)
                self.checkpoint.commit()
            self._photo = photo
        return self._photo

    def _pushed(self, action: Action, external_id: str) -> None:
        """Bind the channel id the moment it is known and cache what the channel now holds."""
        payload = action.candidate.payload
        bindings.bind(self.session, self.conn, bindings.ITEM, action.candidate.internal_id, external_id,
                      payload.fingerprint())
        photo_url = self._photo.url if action.op is Op.CREATE and self._photo else None
        bindings.remember_pushed(self.session, self.conn, external_id, payload, photo_url=photo_url,
                                 url=self.channel.item_url(external_id))

    # -- memberships and album deletions -------------------------------------------------------------
    def _join(self, album_id: str, item_id: str) -> None:
        self.memberships.setdefault(album_id, []).append(item_id)
        self._flush_memberships(force=False)

    def _flush_memberships(self, *, force: bool) -> None:
        size = self.channel.album_batch_size
        calls: list[tuple[str, list[str]]] = []
        for album_id, items in list(self.memberships.items()):
            while len(items) >= size or (force and items):
                calls.append((album_id, items[:size]))
                del items[:size]
            if not items:
                del self.memberships[album_id]
        if not force and len(calls) < self.channel.batch_size:
            for album_id, items in calls:  # not enough for a full request yet: keep them queued
                self.memberships.setdefault(album_id, []).extend(items)
            return
        for start in range(0, len(calls), self.channel.batch_size):
            self._send_memberships(calls[start:start + self.channel.batch_size])

    def _send_memberships(self, calls: list[tuple[str, list[str]]]) -> None:
        try:
            results = self.channel.add_to_albums(calls)
        except OutcomeUnknownError as exc:
            self._reread(exc)
            for album_id, items in calls:  # adding twice is harmless, but re-read first all the same
                missing = [i for i, s in bindings.channel_by_ids(self.session, self.conn, items).items()
                           if album_id not in s.album_ids]
                if missing:
                    self._send_memberships([(album_id, missing)])
            return
        for (album_id, items), result in zip(calls, results, strict=True):
            if result.ok:
                bindings.add_album_membership(self.session, self.conn, album_id, items)
            else:  # counted, so the run does not read "succeeded" while items miss their album
                self._fail(notice("memberships_failed", count=len(items), album=album_id,
                                  detail=result.error or "refused"))
        self.checkpoint.commit()

    def _delete_albums(self) -> None:
        pending = self.album_deletions
        while pending:
            batch = pending[:self.channel.batch_size]
            try:
                results = self.channel.delete_albums([a.external_id or "" for a in batch])
            except OutcomeUnknownError as exc:
                self._reread(exc)
                cached = bindings.cached_albums(self.session, self.conn)
                for action in pending:
                    if action.external_id not in cached:  # the lost answer did delete it
                        bindings.unbind(self.session, self.conn, bindings.ALBUM, action.external_id or "")
                pending = [a for a in pending if a.external_id in cached]
                continue
            for action, result in zip(batch, results, strict=True):
                if result.ok:
                    bindings.unbind(self.session, self.conn, bindings.ALBUM, action.external_id or "")
                    bindings.forget_album(self.session, self.conn, action.external_id or "")
                    self._note_album(action, "deleted", action.reason, action.external_id)
                else:
                    self._fail(notice("album_failed", name=action.title, detail=result.error or "refused"))
                    self._note_album(action, "failed", result.error or "refused", action.external_id)
            pending = pending[len(batch):]
            self.checkpoint.commit()
        self.album_deletions = []

    # -- lost answers and failures -------------------------------------------------------------------
    def _reread(self, exc: Exception) -> None:
        """Re-read the whole channel into the cache before anything is decided again."""
        self.rereads += 1
        if self.rereads > self.max_rereads:
            raise ReconcileLimitError(notice("answers_lost", count=self.rereads, cause=of_error(exc).dump())) from exc
        log.info("outcome of a batch unknown (%s); reading the channel again", exc)
        bindings.refresh_cache(self.session, self.conn, self.channel)
        runs.heartbeat(self.run)

    def _reconcile(self, batch: list[Action], exc: Exception) -> None:
        self._reread(exc)
        intended = {a.candidate.internal_id: a.op for a in batch}
        for action in gather.item_actions(self.session, self.conn, [a.candidate for a in batch], self.albums):
            if action.op is Op.SKIP:
                self._settle(action, intended[action.candidate.internal_id])
            else:
                self.submit(action)

    def _settle(self, action: Action, intended: Op | None) -> None:
        """Adopt what the channel holds for an unchanged product; count a lost write that did land."""
        external_id = action.bind_to or action.external_id
        if action.bind_to or (intended is not None and external_id):
            bindings.bind(self.session, self.conn, bindings.ITEM, action.candidate.internal_id, external_id or "",
                          action.candidate.payload.fingerprint())
        if action.join_album and action.external_id and action.album_external_id:
            self._join(action.album_external_id, action.external_id)
        if intended is not None:
            self._count(intended)
            self._note(action, journal.OUTCOME_OF[intended], f"{action.reason} (a lost answer had landed)",
                       external_id)

    def _note(self, action: Action, outcome: str, reason: str, external_id: str | None) -> None:
        self.checkpoint.journal.note(kind=journal.PRODUCT, internal_id=action.candidate.internal_id,
                                     name=action.candidate.payload.name, outcome=outcome, reason=reason,
                                     external_id=external_id)

    def _note_album(self, action: AlbumAction, outcome: str, reason: str, external_id: str | None) -> None:
        self.checkpoint.journal.note(kind=journal.ALBUM, internal_id=action.internal_id or action.title,
                                     name=action.title, outcome=outcome, reason=reason, external_id=external_id)

    def _count(self, op: Op) -> None:
        if op is Op.CREATE:
            self.run.created += 1
        elif op is Op.HIDE:
            self.run.hidden += 1
        else:
            self.run.updated += 1

    def _fail(self, error: Notice) -> None:
        self.run.failed += 1
        runs.note_error(self.run, error)
