/**
 * Asks the payment API's catalog what the page's title costs (GET /streaming/content/:id, protocol v3) once
 * per (api, content-id), in the paid chunk only: a free video never loads this file nor sends a request.
 * Its outcome goes into a store that ConfigSource applies (config/catalog-price.ts decides what it means).
 * A platform that injects its own payment API (`player.services.api`) without a `catalog` service is asked
 * nothing: its API is the authority the page chose.
 */
import type { ReactiveController, ReactiveElement } from 'lit';
import type { WritableAtom } from 'nanostores';
import { createApiClient, PaymentApiError } from '../payments/api-client.js';
import type { ContentPrice } from '../payments/protocol.js';
import type { CatalogLookup } from './catalog-price.js';
import type { PlayerConfig } from './player-config.js';

/** The catalog's one call, injectable like the payment API (tests, Storybook). */
export interface CatalogService {
  content(contentId: string, call?: { signal?: AbortSignal }): Promise<ContentPrice>;
}

/** An unreachable catalog is asked again this often while the page shows no price of its own. */
export const PRICE_RETRY_MS = 5_000;

export class PriceSource implements ReactiveController {
  private key = '';
  private abort?: AbortController;
  private retry?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: ReactiveElement,
    private readonly config: () => PlayerConfig,
    private readonly lookup: WritableAtom<CatalogLookup>,
    private readonly services: () => { api?: unknown; catalog?: CatalogService },
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const c = this.config();
    const s = this.services();
    const asked = !!s.catalog || !s.api;
    const key = c.catalogLookup && asked && c.api && c.contentId ? `${c.api}|${c.contentId}` : '';
    if (key === this.key) return;
    this.cancel();
    this.key = key;
    if (!key) {
      this.set({ status: 'off' });
      return;
    }
    this.fetch(s.catalog ?? createApiClient({ baseUrl: c.api }), c.contentId, key);
  }

  hostConnected(): void {
    // Back after a DOM move: ask again on the next update.
    this.key = '';
  }

  hostDisconnected(): void {
    this.cancel();
  }

  private fetch(service: CatalogService, contentId: string, key: string): void {
    const abort = (this.abort = new AbortController());
    this.set({ status: 'loading' });
    service.content(contentId, { signal: abort.signal }).then(
      (price) => {
        if (this.key !== key) return;
        const valid = price && price.contentId === contentId && Number.isSafeInteger(price.rateMicroAlgos) && price.rateMicroAlgos >= 0 && Number.isSafeInteger(price.previewSeconds) && price.previewSeconds >= 0;
        this.set(valid ? { status: 'ok', price } : { status: 'unreachable' });
      },
      (e: unknown) => {
        if (this.key !== key || abort.signal.aborted) return;
        if (e instanceof PaymentApiError && e.code === 'UNKNOWN_CONTENT') return this.set({ status: 'unknown' });
        this.set({ status: 'unreachable' });
        this.retry = setTimeout(() => this.key === key && this.fetch(service, contentId, key), PRICE_RETRY_MS);
      },
    );
  }

  private set(next: CatalogLookup): void {
    const prev = this.lookup.get();
    if (prev.status === next.status && JSON.stringify(prev) === JSON.stringify(next)) return;
    this.lookup.set(next);
    this.host.requestUpdate();
  }

  private cancel(): void {
    this.abort?.abort();
    this.abort = undefined;
    clearTimeout(this.retry);
  }
}
