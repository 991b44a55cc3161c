/**
 * The payments machine's session effects, as the controller performs them: find a stored session this
 * viewer's key can go on with, or start one at the payment API. Each answers the machine event to dispatch.
 */
import { randomNonce, signedStartRequest } from './api-client.js';
import type { OutboxRecord } from './outbox.js';
import { sessionKey, type SessionStore, type StoredSession } from './outbox-store.js';
import type { MachineConfig, MachineEvent } from './payments-machine.js';
import { sessionSignerOf, type SessionIdentity } from './signer.js';
import { toHex } from './tick.js';
import { classify, type PaymentApi } from './transport.js';

export const storageKey = (c: MachineConfig, identity: SessionIdentity) => sessionKey(c.api, identity.getPrincipal().toText(), c.contentId);

/**
 * Resumes only what this session key can still sign for: same rate, same key, not expired, and the same
 * budget — or another one while it holds unsent ticks: those are sent first (`reopen`), then a new session
 * opens with the new budget.
 */
export async function loadSession(store: SessionStore, c: MachineConfig, identity: SessionIdentity, epoch: number): Promise<{ event: MachineEvent; expiresAt?: number }> {
  const stored = await store.load(storageKey(c, identity)).catch(() => undefined);
  const keyHex = toHex(sessionSignerOf(identity).sessionPublicKey);
  const reopen = !!stored && (stored.budgetMicroAlgos ?? null) !== c.budgetMicroAlgos;
  const usable =
    stored && stored.rateMicroAlgos === c.rateMicroAlgos && (!reopen || stored.pending !== null) &&
    (stored.sessionPublicKey ?? keyHex) === keyHex && (stored.expiresAt ?? Infinity) > Date.now();
  const event: MachineEvent = { type: 'loaded', epoch, record: usable ? stored : null, ...(usable && { budgetMicroAlgos: stored.budgetMicroAlgos ?? null }) };
  return { event, ...(usable && stored.expiresAt !== undefined && { expiresAt: stored.expiresAt }) };
}

/** A signed start (the delegation chain goes with it; ticks then carry only signatures). */
export async function startSession(api: PaymentApi, c: MachineConfig, identity: SessionIdentity, epoch: number): Promise<{ event: MachineEvent; expiresAt?: number }> {
  try {
    const req = await signedStartRequest(sessionSignerOf(identity), { api: c.api, contentId: c.contentId, rateMicroAlgos: c.rateMicroAlgos, budgetMicroAlgos: c.budgetMicroAlgos, requestTime: Date.now(), nonce: randomNonce() });
    const res = await api.start(req);
    const event: MachineEvent = {
      type: 'started', epoch, sessionId: res.sessionId, rateMicroAlgos: res.rateMicroAlgos, balanceMicroAlgos: res.balanceMicroAlgos, budgetMicroAlgos: req.budgetMicroAlgos,
      // v3: a server before the catalog sends none, and bills every second.
      freeSeconds: Number.isSafeInteger(res.freeSeconds) && res.freeSeconds >= 0 ? res.freeSeconds : 0,
    };
    return { event, ...(res.limits?.expiresAt !== undefined && { expiresAt: res.limits.expiresAt }) };
  } catch (e) {
    const k = classify(e);
    return { event: { type: 'start-failed', epoch, retryable: k.retryable, error: k.error, ...(k.ledger && { ledger: k.ledger }) } };
  }
}

/**
 * What the stored row keeps beside the outbox record, so a later load knows whose session it is.
 * `budget`: what the session was signed with (a reopened session keeps its own, not the configuration's).
 */
export function storedRow(record: OutboxRecord, c: MachineConfig, identity: SessionIdentity, expiresAt: number | undefined, budget: number | null): StoredSession {
  return {
    ...record, key: storageKey(c, identity), api: c.api, principal: identity.getPrincipal().toText(), contentId: c.contentId,
    sessionPublicKey: toHex(sessionSignerOf(identity).sessionPublicKey), ...(expiresAt !== undefined && { expiresAt }), budgetMicroAlgos: budget, updatedAt: Date.now(),
  };
}
