/**
 * A small world around the pure ad-tick machine, for property tests: it carries out the machine's effects as
 * ad-ticks-controller.ts does (signatures, chained storage writes, requests that arrive and answer later, or
 * never), with a payment API that runs the server's own charge rules (server/ads/ad-charge-rules.ts) and its
 * idempotency (server/ads/ad-ticks.ts), page reloads whose dead page's requests may still land, and the
 * playback store's states written by hand. It records what was signed and what reached the server.
 */
import { decideAdTick, type HoldState } from '../../../server/ads/ad-charge-rules.js';
import { canonicalAdTickJson, type AdTick } from '../../../src/payments/ad-tick.js';
import { initialAdTickState, step, type AdLedger, type AdTickEffect, type AdTickEvent, type AdTickState, type SendOutcome, type SignedAdTick } from '../../../src/ads/ad-tick-machine.js';
import { memoryAdTickStore } from '../../../src/ads/ad-tick-store.js';

export type ApiMode = 'up' | 'down' | 'lost' | 'busy' | 'limited';
export const OWNER = 'https://api|viewer';
export const SESSION = 's1';
const PRICE = 500;
const SPLIT = { creatorBps: 7000, platformBps: 2000, viewerBps: 1000 };

interface Job { page: number; kind: 'async' | 'persist' | 'arrive' | 'answer'; run: () => Promise<void> | void }
interface Playing { auctionId: string; creative: number; pageWatched: number }
export interface SignRecord { page: number; at: number; tick: Omit<AdTick, 'clientTime'>; purpose: 'tick' | 'standby'; sessionAtSign: string | null }

export class World {
  s: AdTickState = initialAdTickState();
  now = 1_000_000;
  api: ApiMode = 'up';
  page = 0;
  session: string | null = SESSION;
  readonly store = memoryAdTickStore(() => this.now);
  /** The server's holds and its stored answers per (auction, seq): the canonical bytes and signature it accepted. */
  readonly holds = new Map<string, HoldState>();
  readonly accepted = new Map<string, string>();
  readonly acceptedFinals = new Map<string, number>();
  /** Every (auction, seq) that ever reached the server, with every distinct body it came with. */
  readonly bodies = new Map<string, Set<string>>();
  /** Server refusals that are not a settled-by-ledger or a closed break: none may happen. */
  readonly wrongRefusals: string[] = [];
  readonly signs: SignRecord[] = [];
  /** Ticks that reached storage or the network, in that order: what a later page or the server may build on. */
  readonly outgoing: SignedAdTick[] = [];
  /** outgoing.length when each page load began: what that page had to continue above. */
  readonly pageStarts: number[] = [0];
  /** Ticks sent before their row was in storage (store before send: none may be). */
  readonly sentUnstored: string[] = [];
  /** Signatures asked for under an epoch that was no longer the machine's when carried out (dropped). */
  staleSigns = 0;
  /** Ad seconds the viewer watched per auction, over all page loads (whole seconds per load). */
  readonly watched = new Map<string, number>();
  /** Auctions ended (the `ended` store) in the current page load. */
  readonly endedHere = new Set<string>();
  pagehides = 0;
  /** Auctions whose final tick was stored or left with a closing page: it is owed until accepted. */
  readonly owedFinals = new Set<string>();
  playing: Playing | null = null;
  private jobs: Job[] = [];
  private timers = new Map<string, { at: number; ev: AdTickEvent }>();
  private auctions = 0;

  async boot(): Promise<void> {
    this.dispatch({ type: 'session', sessionId: this.session, owner: this.session ? OWNER : null });
  }

  dispatch(ev: AdTickEvent): void {
    const [next, fx] = step(this.s, ev, this.now);
    this.s = next;
    for (const e of fx) this.perform(e);
  }

  // ---- the viewer and the playback store

  startBreak(creative: number): void {
    if (this.playing || !this.session) return; // the asset list waits for a session
    const auctionId = `a${++this.auctions}`;
    this.holds.set(auctionId, {
      auctionId, sessionId: this.session, priceMicroAlgosPerSecond: PRICE, holdSeconds: creative, creativeSeconds: creative,
      remaining: PRICE * creative, chargedSeconds: 0, charged: 0, seq: 0, adSeconds: 0, servedAt: this.now, expiresAt: Number.MAX_SAFE_INTEGER, closed: false,
    });
    this.playing = { auctionId, creative, pageWatched: 0 };
    this.watched.set(auctionId, 0);
    this.dispatch({ type: 'playing', auctionId, watchedSeconds: 0 });
  }

  /**
   * One more second of the ad (the store is written a few times a second; the machine floors). `ms`: the wall
   * time it took as the page saw it (a main thread that stalled reports a second late, then the next early).
   */
  watchOne(fraction: number, ms = 1000): void {
    const p = this.playing;
    this.advance(ms);
    if (!p) return;
    p.pageWatched += 1;
    this.watched.set(p.auctionId, this.watched.get(p.auctionId)! + 1);
    this.dispatch({ type: 'playing', auctionId: p.auctionId, watchedSeconds: p.pageWatched + (p.pageWatched < p.creative ? fraction : 0) });
    if (p.pageWatched >= p.creative) this.endBreak();
  }

  endBreak(): void {
    const p = this.playing;
    if (!p) return;
    this.playing = null;
    this.endedHere.add(p.auctionId);
    this.dispatch({ type: 'ended', auctionId: p.auctionId, watchedSeconds: p.pageWatched });
  }

  setSession(sessionId: string | null): void {
    this.session = sessionId;
    this.dispatch({ type: 'session', sessionId, owner: sessionId ? OWNER : null });
  }

  /** pagehide, then a new page: the old page's work dies, except requests already on their way. */
  reload(replay: boolean): void {
    this.pagehide();
    this.jobs = this.jobs.filter((j) => j.kind === 'arrive');
    this.timers.clear();
    this.page += 1;
    this.pageStarts.push(this.outgoing.length);
    this.endedHere.clear();
    this.s = initialAdTickState();
    this.dispatch({ type: 'session', sessionId: this.session, owner: this.session ? OWNER : null });
    // Without a session no asset list is asked for: the break does not play again.
    if (this.playing && replay && this.session) {
      this.playing.pageWatched = 0; // hls.js plays the break again from its start
      this.dispatch({ type: 'playing', auctionId: this.playing.auctionId, watchedSeconds: 0 });
    } else this.playing = null;
  }

  pagehide(): void {
    this.pagehides += 1;
    this.dispatch({ type: 'pagehide' });
  }

  // ---- effects, as the controller carries them out

  private perform(fx: AdTickEffect): void {
    const page = this.page;
    switch (fx.type) {
      case 'load':
        this.jobs.push({ page, kind: 'async', run: async () => this.dispatch({ type: 'loaded', owner: fx.owner, records: await this.store.loadAll(fx.owner) }) });
        return;
      case 'sign':
      case 'sign-standby': {
        const ticks = fx.type === 'sign' ? [fx.tick] : [fx.final, fx.next];
        const at = this.now; // asked for now; carried out whenever the job runs
        this.jobs.push({
          page, kind: 'async', run: () => {
            if (fx.epoch !== this.s.epoch) return void (this.staleSigns += 1); // the controller drops it
            const clientTime = this.now;
            for (const t of ticks.slice(0, 1)) this.signs.push({ page, at, tick: t, purpose: fx.type === 'sign' ? 'tick' : 'standby', sessionAtSign: this.s.sessionId });
            const signed = ticks.map((t) => ({ tick: { ...t, clientTime }, signature: `sig:${canonicalAdTickJson({ ...t, clientTime })}` }));
            this.dispatch({ type: 'signed', epoch: fx.epoch, auctionId: fx.auctionId, ticks: signed });
          },
        });
        return;
      }
      case 'persist':
        this.jobs.push({ page, kind: 'persist', run: async () => {
          await this.store.save(fx.owner, fx.record);
          if (fx.record.pending?.tick.final) this.owedFinals.add(fx.record.auctionId);
          if (fx.record.pending) this.outgoing.push(fx.record.pending);
          this.dispatch({ type: 'persisted', auctionId: fx.record.auctionId, seq: fx.record.pending?.tick.seq ?? 0 });
        } });
        return;
      case 'send': {
        const key = `${OWNER}|${fx.signed.tick.auctionId}`;
        const stored = Math.max(this.store.rows.get(key)?.signed.seq ?? 0, this.store.notes.get(key)?.tick.seq ?? 0);
        if (stored < fx.signed.tick.seq) this.sentUnstored.push(`${fx.signed.tick.auctionId}#${fx.signed.tick.seq}`);
        this.request(fx.signed, true);
        return;
      }
        return;
      case 'send-keepalive':
        this.request(fx.signed, false);
        this.outgoing.push(fx.signed);
        if (fx.signed.tick.final) this.owedFinals.add(fx.signed.tick.auctionId);
        if (fx.note) this.store.noteSent(fx.owner, fx.signed);
        return;
      case 'set-timer':
        this.timers.set(`${fx.auctionId}:${fx.name}`, { at: this.now + (fx.attempt ? Math.min(5000, 500 * 2 ** (fx.attempt - 1)) : fx.ms), ev: { type: 'timer', auctionId: fx.auctionId, name: fx.name } });
        return;
      case 'clear-timer':
        this.timers.delete(`${fx.auctionId}:${fx.name}`);
        return;
    }
  }

  /** A request travels, reaches the server (or not), and its answer comes back later (to its own page only). */
  private request(st: SignedAdTick, answered: boolean): void {
    const page = this.page;
    const mode = this.api;
    this.jobs.push({ page, kind: 'arrive', run: () => {
      const reached = mode === 'up' || mode === 'lost';
      const outcome: SendOutcome = !reached ? { ok: false, retryable: true, code: mode === 'busy' ? 'BUSY' : mode === 'limited' ? 'RATE_LIMITED' : 'PAYMENT_API_UNREACHABLE' } : this.serve(st);
      const seen: SendOutcome = mode === 'lost' ? { ok: false, retryable: true, code: 'PAYMENT_API_UNREACHABLE' } : outcome;
      if (!answered) return;
      this.jobs.push({ page, kind: 'answer', run: () => {
        if (this.page === page) this.dispatch({ type: 'answer', auctionId: st.tick.auctionId, seq: st.tick.seq, outcome: seen });
      } });
    } });
  }

  /** POST /streaming/ads/tick as server/ads/ad-ticks.ts answers it (signature checks aside). */
  private serve(st: SignedAdTick): SendOutcome {
    const t = st.tick;
    const key = `${t.auctionId}#${t.seq}`;
    const body = `${canonicalAdTickJson(t)}|${st.signature}`;
    const bodies = this.bodies.get(key) ?? new Set<string>();
    bodies.add(body);
    this.bodies.set(key, bodies);
    const h = this.holds.get(t.auctionId)!;
    if (h.sessionId !== t.sessionId) return this.refuse(`NOT_SESSION_OWNER ${key}`, { ok: false, retryable: false, code: 'NOT_SESSION_OWNER' });
    const stored = this.accepted.get(key);
    if (stored !== undefined) {
      if (stored !== body) return this.refuse(`seq reused ${key}`, { ok: false, retryable: false, code: 'SEQ_OUT_OF_ORDER' });
      return { ok: true, ledger: JSON.parse(this.answers.get(key)!) as AdLedger };
    }
    const d = decideAdTick(h, t, this.now, SPLIT);
    const ledger: AdLedger = { auctionId: h.auctionId, seq: h.seq, adSeconds: h.adSeconds, chargedSeconds: h.chargedSeconds, chargedMicroAlgos: h.charged, closed: h.closed };
    if (typeof d === 'string') {
      const out: SendOutcome = { ok: false, retryable: false, code: d, ledger };
      // Legitimate: a later tick (a keepalive copy) got there first, or the break was already settled.
      if (d === 'TOTALS_DECREASED' || (d === 'SEQ_OUT_OF_ORDER' && h.seq < t.seq)) this.refuse(`${d} ${key}`, out);
      return out;
    }
    this.holds.set(t.auctionId, d.hold);
    if (t.final) this.acceptedFinals.set(t.auctionId, (this.acceptedFinals.get(t.auctionId) ?? 0) + 1);
    const answer: AdLedger = { auctionId: h.auctionId, seq: d.hold.seq, adSeconds: d.hold.adSeconds, chargedSeconds: d.hold.chargedSeconds, chargedMicroAlgos: d.hold.charged, closed: d.hold.closed };
    this.accepted.set(key, body);
    this.answers.set(key, JSON.stringify(answer));
    return { ok: true, ledger: answer };
  }
  private readonly answers = new Map<string, string>();

  private refuse(why: string, out: SendOutcome): SendOutcome {
    this.wrongRefusals.push(why);
    return out;
  }

  // ---- time and work

  /** Carries out one pending job: storage writes in order (chained), anything else in any order. */
  async runOne(pick: number): Promise<void> {
    if (this.jobs.length === 0) return;
    const firstPersist = this.jobs.findIndex((j) => j.kind === 'persist');
    const candidates = this.jobs.map((_, i) => i).filter((i) => this.jobs[i]!.kind !== 'persist' || i === firstPersist);
    const i = candidates[pick % candidates.length]!;
    const [job] = this.jobs.splice(i, 1);
    await job!.run();
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = Math.max(this.now, due[1].at);
      this.dispatch(due[1].ev);
    }
    this.now = until;
  }

  /** The API answers and the viewer is signed in: run everything to the end. */
  async settle(): Promise<void> {
    this.api = 'up';
    if (this.session !== SESSION) this.setSession(SESSION);
    for (let i = 0; i < 500 && (this.jobs.length > 0 || this.timers.size > 0); i++) {
      while (this.jobs.length > 0) await this.runOne(0);
      this.advance(6_000);
    }
  }

  get idle(): boolean {
    return this.jobs.length === 0 && this.timers.size === 0;
  }
}
