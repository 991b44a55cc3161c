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
    let written = 0;
    /** A writer like the ledger's: it commits only while not held, 4 KB per commit, until `done` (bounded). */
    const write = async (done: () => boolean) => {
      for (let i = 0; i < 20_000 && !done(); i++) {
        if (!c.held) {
          db.transaction(() => { for (let k = 0; k < 4; k++) insert.run(Buffer.alloc(1000, i)); })();
          written += 4;
        }
        await sleep(1);
      }
    };
    // Timing-free: each phase waits for what the worker did, never for a fixed time (a busy machine is slow).
    await write(() => c.restarts >= 2 && written >= 1600);
    expect(c.restarts).toBeGreaterThanOrEqual(2);
    // Restarted, the WAL is written over from its start: 4 MB more commits hardly grow the file.
    const walBefore = statSync(`${path}-wal`).size;
    const target = written + 4000;
    await write(() => written >= target);
    expect(statSync(`${path}-wal`).size - walBefore).toBeLessThan(2_000_000);
    // The writer never checkpointed, yet what it committed reaches the database file.
    for (let i = 0; i < 400 && (c.held || statSync(path).size - fileBefore <= written * 900); i++) await sleep(5);
    expect(statSync(path).size - fileBefore).toBeGreaterThan(written * 900);
    // Every hold was released, once per final pass.
    expect(c.held).toBe(false);
    expect(releases).toBe(c.restarts);
    await c.stop();
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(written);
    db.close();
  }, 60_000);

  it('stops cleanly when the writer closes first thing (no pass ever ran)', async () => {
    const db = new Database(join(dir, 'idle.db'));
    db.pragma('journal_mode = WAL');
    const c = new WalCheckpointer(db, () => undefined);
    await c.stop();
    db.close();
    expect(c.held).toBe(false);
  });
});
