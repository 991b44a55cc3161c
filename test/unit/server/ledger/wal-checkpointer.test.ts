// The SQLite writer's WAL checkpoints run on a worker thread (wal-checkpointer.ts): the writer's own
// auto-checkpoint is off, yet committed pages reach the database file and the WAL file starts again from
// its beginning instead of growing with every commit.
import Database from 'better-sqlite3';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../../../../server/ledger/wal-checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'sippar-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The WAL header's checkpoint sequence number (bytes 12–15, big-endian): SQLite adds one at each restart. */
function walRestarts(dbPath: string): number {
  const header = Buffer.alloc(16);
  const fd = openSync(`${dbPath}-wal`, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  return header.readUInt32BE(12);
}

describe('WAL checkpointer', () => {
  it('copies committed pages into the database file from its own thread and restarts the WAL, holding the writer meanwhile', async () => {
    const path = join(dir, 'ckpt.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)');
    let releases = 0;
    let finals = 0;
    /** The file's restart count when a final pass (not its timeout) released the writer; -1: none pending. */
    let restartsAtFinal = -1;
    /** For each such release: whether the writer's next commit began the WAL again from its start. */
    const restartedAfterFinal: boolean[] = [];
    const c: WalCheckpointer = new WalCheckpointer(db, () => {
      releases++;
      if (c.restarts > finals) {
        finals = c.restarts;
        restartsAtFinal = walRestarts(path);
      }
    }, { intervalMs: 5, restartFrames: 40, holdGapMs: 0 });
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
          if (restartsAtFinal >= 0) {
            restartedAfterFinal.push(walRestarts(path) > restartsAtFinal);
            restartsAtFinal = -1;
          }
        }
        await sleep(1);
      }
    };
    // Timing-free: each phase waits for what the worker did, never for a fixed time (a busy machine is slow).
    await write(() => c.restarts >= 2 && written >= 1600);
    expect(c.restarts).toBeGreaterThanOrEqual(2);
    // After a final pass every frame is copied, so the writer's next commit writes the WAL over from its
    // start. SQLite counts each restart in the WAL header (its checkpoint sequence number): the file itself
    // shows it, whatever the size the WAL reached while the worker caught up on a busy machine.
    const target = written + 4000;
    await write(() => written >= target && restartedAfterFinal.length >= 2);
    expect(restartedAfterFinal.length).toBeGreaterThanOrEqual(2);
    expect(restartedAfterFinal.every(Boolean)).toBe(true);
    // Written over, not appended to: the WAL holds less than the whole of what was committed (~1 KB a row).
    expect(statSync(`${path}-wal`).size).toBeLessThan(written * 1000);
    // The writer never checkpointed, yet what it committed reaches the database file.
    for (let i = 0; i < 2000 && (c.held || statSync(path).size - fileBefore <= written * 900); i++) await sleep(5);
    expect(statSync(path).size - fileBefore).toBeGreaterThan(written * 900);
    // Every hold was released exactly once: by its final pass, or by the timeout when that pass is slow.
    expect(c.held).toBe(false);
    expect(c.holds).toBeGreaterThanOrEqual(c.restarts);
    expect(releases).toBe(c.holds);
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
