"""Catalog → channel: apply planned actions in the channel's batch size and bind every id as it returns.

Creates, edits (updates and hides) and album memberships each queue up to the channel's batch size (VK:
25 calls per `execute`) and go out together. After each batch the returned ids are bound and the cache
updated, and the batch is committed at once — the one deliberate commit inside a service, for crash
safety: an id VK gave us is never lost with a later failure. A batch whose outcome is unknown (a timeout,
a 5xx, a lost answer) is never sent again as it was: the channel is read again and the batch's products
are decided anew, so an item VK did create is adopted by SKU instead of duplicated.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from marketsync.connections.models import Connection
from marketsync.connectors.capabilities import CatalogChannel
from marketsync.connectors.records import WriteResult
from marketsync.http import OutcomeUnknownError
from marketsync.sync import bindings, runs
from marketsync.sync.models import SyncRun
from marketsync.sync.plan import Action, Candidate, Op

log = logging.getLogger(__name__)
ALBUM_ITEMS_PER_CALL = 100


class ReconcileLimitError(RuntimeError):
    """The channel kept losing answers; the run stops rather than guess."""


@dataclass
class ExportHooks:
    """What the exporter needs from the pipeline around it."""

    commit: Callable[[], None]
    photo_id: Callable[[], str | None]
    reread: Callable[[], None]
    redecide: Callable[[Sequence[Candidate]], list[Action]]
    max_rereads: int = 5


@dataclass
class Exporter:
    """Queues actions and applies them to one channel in batches."""

    session: Session
    conn: Connection
    channel: CatalogChannel
    run: SyncRun
    hooks: ExportHooks
    creates: list[Action] = field(default_factory=list)
    edits: list[Action] = field(default_factory=list)
    memberships: dict[str, list[str]] = field(default_factory=dict)
    rereads: int = 0

    def submit(self, action: Action) -> None:
        """Queue one decision; full batches go out at once."""
        if action.op is Op.CREATE:
            self.creates.append(action)
            if len(self.creates) >= self.channel.batch_size:
                self._flush_creates()
            return
        if action.op in (Op.UPDATE, Op.HIDE):
            self.edits.append(action)
            if len(self.edits) >= self.channel.batch_size:
                self._flush_edits()
            return
        self.run.skipped += 1
        if action.bind_to:
            bindings.bind(self.session, self.conn, bindings.ITEM, action.candidate.internal_id, action.bind_to,
                          action.candidate.payload.fingerprint())
        if action.join_album and action.external_id and action.album_external_id:
            self._join(action.album_external_id, action.external_id)

    def finish(self) -> None:
        """Send everything still queued, memberships last (they need the new ids)."""
        while self.creates or self.edits:  # a reconciled batch may queue its products again
            self._flush_creates()
            self._flush_edits()
        self._flush_memberships(force=True)
        self.hooks.commit()

    # -- items ---------------------------------------------------------------------------------------
    def _flush_creates(self) -> None:
        if not self.creates:
            return
        batch, self.creates = self.creates, []
        photo = self.hooks.photo_id()
        try:
            results = self.channel.add_items([(a.candidate.payload, photo) for a in batch])
        except OutcomeUnknownError as exc:
            self._reconcile(batch, exc)
            return
        for action, result in zip(batch, results, strict=True):
            if not result.ok or not result.external_id:
                self._fail(action, result)
                continue
            self._pushed(action, result.external_id)
            self.run.created += 1
            if action.album_external_id:
                self._join(action.album_external_id, result.external_id)
        self._progress(len(batch))

    def _flush_edits(self) -> None:
        if not self.edits:
            return
        batch, self.edits = self.edits, []
        try:
            results = self._send_edits(batch)
        except OutcomeUnknownError as exc:
            self._reconcile(batch, exc)
            return
        for action, result in zip(batch, results, strict=True):
            if not result.ok or not action.external_id:
                self._fail(action, result)
                continue
            self._pushed(action, action.external_id)
            if action.op is Op.HIDE:
                self.run.hidden += 1
            else:
                self.run.updated += 1
                if action.join_album and action.album_external_id:
                    self._join(action.album_external_id, action.external_id)
        self._progress(len(batch))

    def _pushed(self, action: Action, external_id: str) -> None:
        """Bind the channel id the moment it is known and cache what the channel now holds."""
        payload = action.candidate.payload
        bindings.bind(self.session, self.conn, bindings.ITEM, action.candidate.internal_id, external_id,
                      payload.fingerprint())
        bindings.remember_pushed(self.session, self.conn, external_id, payload)

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

    # -- albums --------------------------------------------------------------------------------------
    def _join(self, album_id: str, item_id: str) -> None:
        self.memberships.setdefault(album_id, []).append(item_id)
        self._flush_memberships(force=False)

    def _flush_memberships(self, *, force: bool) -> None:
        calls: list[tuple[str, list[str]]] = []
        for album_id, items in list(self.memberships.items()):
            while len(items) >= ALBUM_ITEMS_PER_CALL or (force and items):
                calls.append((album_id, items[:ALBUM_ITEMS_PER_CALL]))
                del items[:ALBUM_ITEMS_PER_CALL]
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
            self._count_reread(exc)
            for album_id, items in calls:  # adding twice is harmless, but re-read first all the same
                missing = [i for i, s in bindings.channel_by_ids(self.session, self.conn, items).items()
                           if album_id not in s.album_ids]
                if missing:
                    self._send_memberships([(album_id, missing)])
            return
        for (album_id, items), result in zip(calls, results, strict=True):
            if result.ok or result.code == 1404:  # 1404: already in the album
                bindings.add_album_membership(self.session, self.conn, album_id, items)
            else:
                runs.note_error(self.run, f"album {album_id}: {result.error}")
        self.hooks.commit()

    # -- failures ------------------------------------------------------------------------------------
    def _count_reread(self, exc: Exception) -> None:
        self.rereads += 1
        if self.rereads > self.hooks.max_rereads:
            raise ReconcileLimitError(f"the channel lost {self.rereads} answers in one run: {exc}") from exc
        log.info("outcome of a batch unknown (%s); reading the channel again", exc)
        self.hooks.reread()

    def _reconcile(self, batch: list[Action], exc: Exception) -> None:
        self._count_reread(exc)
        intended = {a.candidate.internal_id: a.op for a in batch}
        for action in self.hooks.redecide([a.candidate for a in batch]):
            if action.op is Op.SKIP:
                self._settle(action, intended[action.candidate.internal_id])
            else:
                self.submit(action)

    def _settle(self, action: Action, intended: Op) -> None:
        """The lost write did land: adopt its result and count it as what it was meant to be."""
        if action.bind_to:
            bindings.bind(self.session, self.conn, bindings.ITEM, action.candidate.internal_id, action.bind_to,
                          action.candidate.payload.fingerprint())
        elif action.external_id:
            bindings.bind(self.session, self.conn, bindings.ITEM, action.candidate.internal_id, action.external_id,
                          action.candidate.payload.fingerprint())
        if action.join_album and action.external_id and action.album_external_id:
            self._join(action.album_external_id, action.external_id)
        if intended is Op.CREATE:
            self.run.created += 1
        elif intended is Op.HIDE:
            self.run.hidden += 1
        else:
            self.run.updated += 1

    def _fail(self, action: Action, result: WriteResult) -> None:
        self.run.failed += 1
        runs.note_error(self.run, f"{action.candidate.payload.name}: {result.error or 'refused'}")

    def _progress(self, count: int) -> None:
        # Progress counts decided products (the pipeline adds them); a batch only marks a commit point.
        self.hooks.commit()
