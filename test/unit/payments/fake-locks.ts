/** An in-memory Web Locks manager with the exclusive / ifAvailable / steal semantics of the spec. */
import type { LockManagerLike } from '../../../src/payments/tab-lock.js';

export class FakeLocks implements LockManagerLike {
  private holders = new Map<string, { reject: (e: Error) => void; id: number }>();
  private n = 0;
  request(name: string, options: { ifAvailable?: boolean; steal?: boolean }, cb: (lock: unknown) => unknown): Promise<unknown> {
    const current = this.holders.get(name);
    if (current && options.ifAvailable) return Promise.resolve(cb(null));
    if (current && !options.steal) return Promise.reject(new Error('FakeLocks does not queue'));
    if (current) {
      this.holders.delete(name);
      current.reject(Object.assign(new Error('stolen'), { name: 'AbortError' }));
    }
    const id = ++this.n;
    return new Promise((resolve, reject) => {
      this.holders.set(name, { reject, id });
      Promise.resolve(cb({ name })).then(
        (v) => { if (this.holders.get(name)?.id === id) this.holders.delete(name); resolve(v); },
        (e) => { if (this.holders.get(name)?.id === id) this.holders.delete(name); reject(e); },
      );
    });
  }
  isHeld(name: string) { return this.holders.has(name); }
}
