/**
 * The paid player's configuration as a store: parsed once per change of any attribute it reads (a
 * MutationObserver, so the element needs no property per attribute in its first script), and on every
 * host update (properties such as `rate` set from script). Added before the other paid controllers, so
 * they all read the new configuration in the same update.
 */
import type { ReactiveController, ReactiveElement } from 'lit';
import { atom, type ReadableAtom } from 'nanostores';
import { applyCatalog, type CatalogLookup } from './catalog-price.js';
import { PAID_ATTRIBUTES, attributesOf, parsePlayerConfig, type ConfigHost, type PlayerConfig } from './player-config.js';

export class ConfigSource implements ReactiveController {
  readonly #store: ReturnType<typeof atom<PlayerConfig>>;
  readonly store: ReadableAtom<PlayerConfig>;
  private observer?: MutationObserver;

  /** The attributes alone, before the catalog's price is applied (what PriceSource looks up). */
  raw!: PlayerConfig;

  /** `catalog`: the payment API catalog's answer for this page's title (config/price-source.ts). */
  constructor(
    private readonly host: ReactiveElement & ConfigHost,
    private readonly catalog: ReadableAtom<CatalogLookup> = atom<CatalogLookup>({ status: 'off' }),
  ) {
    this.#store = atom(this.parse());
    this.store = this.#store;
    host.addController(this);
  }

  get value(): PlayerConfig {
    return this.#store.get();
  }

  hostConnected(): void {
    this.observer ??= new MutationObserver(() => this.host.requestUpdate());
    this.observer.observe(this.host, { attributes: true, attributeFilter: [...PAID_ATTRIBUTES] });
  }

  hostUpdate(): void {
    const next = this.parse();
    if (JSON.stringify(next, replacer) !== JSON.stringify(this.value, replacer)) this.#store.set(next);
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
  }

  private parse(): PlayerConfig {
    this.raw = parsePlayerConfig(attributesOf(this.host), globalThis.location?.origin ?? '');
    return applyCatalog(this.raw, this.catalog.get());
  }
}

// maxTimeToLive is a bigint; errors compare by code and message.
const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? String(v) : v instanceof Error ? `${(v as { code?: string }).code}:${v.message}` : v);
