/**
 * What the payment API needs from a database, asynchronous so that a networked one (PostgreSQL) can
 * implement it as well as the embedded SQLite (sqlite-storage.ts) and the in-memory store of tests and
 * stories (memory-storage.ts). Stores only load and store: every decision about money is in tick-rules.ts,
 * and ledger-service.ts runs load → decide → apply.
 *
 * Contract for `applyTick(writes)`, all or nothing:
 * 1. update the session to `writes.session` (tick count + 1) only where its seq is still `writes.expectSeq`;
 * 2. if `writes.debit`: `balance −= microAlgos` only where `balance ≥ microAlgos`;
 * 3. if `writes.settlement`: insert it (the store assigns its id) and add it to the content's earnings;
 * 4. insert the tick row, unique on (session, seq), storing the answer with the settlement id filled in;
 * 5. insert its transfers (transfer-rules.ts tickTransfers: the charge, the settlement's shares).
 * A guard that does not hold (1, 2) or a duplicate (session, seq) (4) throws WriteConflict after rolling
 * back; the service then loads and decides again (the repeat is then answered from the stored row).
 */
import type { SessionAnalytics, SessionStatus, TickResponse, TotalsAnalytics } from '../../src/payments/protocol.js';
import type { CatalogTitle, PreviewUse, Split, SplitAmount } from '../catalog/catalog-rules.js';
import type { SessionLimit, TickContext, TickWrites } from './tick-rules.js';
import type { LedgerCheck } from './transfer-rules.js';

export interface NewSession {
  id: string;
  principal: string;
  contentId: string;
  rate: number;
  /** v3: the signed budget, µALGO the session may bill in all; null = none. */
  budget: number | null;
  /** DER SPKI of the session key that signs the ticks. */
  sessionKey: Uint8Array;
  /** sha256(session key ‖ start message): a start message is accepted once. */
  startHash: Uint8Array;
  startedAt: number;
  expiresAt: number;
  /** v3: free seconds of the title's preview this session got (catalog-rules.ts freeSecondsAtStart). */
  freeSeconds: number;
  /** v3: the title's splits at start; its settlements are shared by them (null: by the server's platform fee). */
  splits: Split[] | null;
}

/** What the HTTP layer needs to verify a session's ticks. */
export interface SessionKeyRecord {
  sessionKey: Uint8Array;
  expiresAt: number;
  status: SessionStatus;
}

/** A session key revoked at sign-out (POST /streaming/session/revoke). */
export interface Revocation {
  /** DER SPKI of the revoked session key. */
  sessionKey: Uint8Array;
  principal: string;
  revokedAt: number;
  /** When the key's delegation expires: past it the key is useless anyway, and the row may go. */
  expiresAt: number;
}

/** A guard of `applyTick` did not hold: someone else wrote first. Nothing was written. */
export class WriteConflict extends Error {
  override name = 'WriteConflict';
}

/** Which accepted ticks or settlements an audit export holds (all given filters apply; period is [from, to) Unix ms). */
export interface AuditQuery {
  sessionId?: string;
  contentId?: string;
  from?: number;
  to?: number;
  /** At most this many rows, oldest first. */
  limit: number;
}

/** One accepted tick with what it takes to check it again: the signed fields, the session key, the signature. */
export interface AuditTick {
  sessionId: string;
  contentId: string;
  principal: string;
  seq: number;
  seconds: number;
  microAlgos: number;
  /** What this tick took from the balance (less than its delta after a 402). */
  charged: number;
  mediaTime: number;
  clientTime: number;
  final: boolean;
  httpStatus: number;
  receivedAt: number;
  tickHash: string;
  signature: string;
  /** DER SPKI of the session key, hex: verifies `signature` over the tick's signing bytes. */
  sessionKey: string;
}

export interface AuditSettlement {
  id: number;
  sessionId: string;
  contentId: string;
  principal: string;
  /** The final tick that settled. */
  seq: number;
  seconds: number;
  microAlgos: number;
  totalSeconds: number;
  totalMicroAlgos: number;
  platformFee: number;
  /** v3: the settlement shared by the title's splits, whole microAlgos adding up to `microAlgos` (empty before v3). */
  splits: SplitAmount[];
  createdAt: number;
}

/** One AES-128 key of a packaged title (scripts/package-media.mjs): index, bytes and the media it decrypts. */
export interface MediaKey {
  index: number;
  /** 16 bytes. */
  key: Uint8Array;
  /** The media it decrypts, [startMs, endMs). */
  startMs: number;
  endMs: number;
}

/** What the key route loads to decide a release (key-release-rules.ts); `key` undefined: no such key. */
export interface KeyReleaseContext {
  key: MediaKey | undefined;
  /** The title's first encrypted ms (the smallest startMs of its keys). */
  clearMs: number;
  /** Σ billedSeconds over the viewer's sessions of the title. */
  billedSeconds: number;
  released: boolean;
  /** Media ms covered by the title's keys released to the viewer. */
  releasedMs: number;
  /** How many of the title's keys the viewer holds: the guard of `recordKeyRelease`. */
  releases: number;
}

export interface KeyRelease {
  principal: string;
  contentId: string;
  index: number;
  sessionId: string;
  at: number;
}

/** The media keys of gated titles and which viewer holds which (tables media_keys and key_releases). */
export interface MediaKeyStorage {
  /**
   * Stores a title's keys. Loading the same keys again changes nothing; a key whose bytes or media changed
   * (the title was packaged again) loses its releases, and keys beyond the new list are removed.
   */
  putMediaKeys(contentId: string, keys: readonly MediaKey[]): Promise<void>;
  keyRelease(principal: string, contentId: string, index: number): Promise<KeyReleaseContext>;
  /**
   * Records a release where the viewer still holds `expectReleases` keys of the title (else WriteConflict,
   * nothing written); a release already recorded is left as it is.
   */
  recordKeyRelease(r: KeyRelease, expectReleases: number): Promise<void>;
}

export interface LedgerStorage extends MediaKeyStorage {
  /** Creates the viewer's account if new (balance 0); answers the balance. */
  ensureViewer(principal: string, algorandAddress: string, now: number): Promise<number>;
  /** Adds to the balance (and records the credit and its deposit transfer); creates the account if new; answers the new balance. */
  credit(principal: string, algorandAddress: string, microAlgos: number, now: number): Promise<number>;
  /**
   * Throws ApiError REPLAYED when `startHash` was already used, and, with `limit`, TOO_MANY_SESSIONS when the
   * viewer already holds `limit.maxSessions` live sessions (tick-rules.ts decideSessionLimit), counted and
   * inserted atomically: two starts at once cannot both take the last place.
   */
  createSession(s: NewSession, limit?: SessionLimit): Promise<void>;
  /** Records the revocation (once: a repeat keeps the first); answers the time it was first revoked. */
  revokeKey(r: Revocation): Promise<number>;
  /** True when this session key (DER SPKI) was revoked: the one check for ticks, starts and key requests. */
  isRevoked(sessionKey: Uint8Array): Promise<boolean>;
  sessionKey(id: string): Promise<SessionKeyRecord | undefined>;
  /** The session, its viewer's balance, the tick stored under `seq` and whether its key is revoked; undefined for an unknown session. */
  loadTick(sessionId: string, seq: number): Promise<TickContext | undefined>;
  /** Applies the writes of tick-rules.ts atomically (see the contract above); answers the final answer. */
  applyTick(writes: TickWrites): Promise<TickResponse>;
  sessionAnalytics(id: string): Promise<SessionAnalytics | undefined>;
  totals(now: number, liveWindowMs: number, contentId?: string): Promise<TotalsAnalytics>;
  /** Accepted ticks matching `q`, ordered by (receivedAt, sessionId, seq). */
  auditTicks(q: AuditQuery): Promise<AuditTick[]>;
  /** Settlements matching `q` (period on createdAt), ordered by id. */
  auditSettlements(q: AuditQuery): Promise<AuditSettlement[]>;
  /** v3 catalog: adds or replaces a title (validated by catalog-rules.ts before it gets here). */
  putTitle(t: CatalogTitle, now: number): Promise<void>;
  /** Removes a title; answers whether it was there. Its sessions and settlements stay. */
  deleteTitle(contentId: string): Promise<boolean>;
  title(contentId: string): Promise<CatalogTitle | undefined>;
  /** Every title, ordered by content id. */
  titles(): Promise<CatalogTitle[]>;
  /** The viewer's sessions of a title, as the preview rule reads them (catalog-rules.ts freeSecondsAtStart). */
  previewUse(principal: string, contentId: string): Promise<PreviewUse[]>;
  /**
   * The double-entry check (transfer-rules.ts): every account's transfers against the balances the tables
   * cache (the ads' too when they share this database). Scans whole tables: an admin's audit.
   */
  ledgerCheck(): Promise<LedgerCheck>;
  close(): Promise<void>;
}
