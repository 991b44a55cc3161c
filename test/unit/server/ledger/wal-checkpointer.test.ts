// The SQLite writer's WAL checkpoints run on a worker thread (wal-checkpointer.ts): the writer's own
// auto-checkpoint is off, yet committed pages reach the database file and the WAL file starts again from
// its beginning instead of growing with every commit.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../../../../server/ledger/wal-checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'sippar-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WAL checkpointer', () => {
  it('copies committed pages into the database file from its own thread and restarts the WAL, holding the writer meanwhile', async () => {
    const path = join(dir, 'ckpt.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)');
    let releases = 0;
    const c = new WalCheckpointer(db, () => releases++, { intervalMs: 5, restartFrames: 40, holdGapMs: 0 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const fileBefore = statSync(path).size;
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    let heldSeen = 0;
    let written = 0;
    // A writer like the ledger's: it commits only while not held, a few KB per commit.
    for (let i = 0; i < 400; i++) {
      if (c.held) heldSeen++;
      else {
        db.transaction(() => {
          for (let k = 0; k < 4; k++) insert.run(Buffer.alloc(1000, i));
        })();
        written += 4;
      }
      await sleep(1);
    }
    for (let i = 0; i < 200 && c.held; i++) await sleep(5);
    expect(c.held).toBe(false);
    expect(c.restarts).toBeGreaterThan(0);
    expect(releases).toBe(c.restarts);
    expect(heldSeen).toBeGreaterThan(0);
    // ~1.6 MB committed: in the database file, not only in the WAL (the writer never checkpointed).
    expect(statSync(path).size - fileBefore).toBeGreaterThan(written * 1000 * 0.9);
    // Restarted, the WAL was written over from its start: far smaller than what was committed.
    expect(statSync(`${path}-wal`).size).toBeLessThan(written * 1000 * 0.5);
    await c.stop();
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(written);
    db.close();
  });

  it('stops cleanly when the writer closes first thing (no pass ever ran)', async () => {
    const db = new Database(join(dir, 'idle.db'));
    db.pragma('journal_mode = WAL');
    const c = new WalCheckpointer(db, () => undefined);
    await c.stop();
    db.close();
    expect(c.held).toBe(false);
  });
});
