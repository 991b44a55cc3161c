// The SQLite ledger's WAL checkpoints (wal-checkpointer.ts) on a thread of their own, with a connection of
// their own: a checkpoint copies the WAL's pages into the database file and syncs both, and on the event
// loop (SQLite's auto-checkpoint runs inside the commit that crosses 1 000 pages) every request waited for
// those fsyncs. PASSIVE: it never blocks the writer and never waits for it.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';

const db = new Database(workerData.path, { fileMustExist: true });
// As the writer's connection: the WAL is synced before a checkpoint, the database file after it.
db.pragma('synchronous = NORMAL');

function pass(final) {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ final, frames: r.log, copied: r.checkpointed, busy: r.busy });
  } catch (e) {
    parentPort.postMessage({ final, error: String(e?.message ?? e) });
  }
}

/**
 * Before the writer holds its commits for a restart: passes back to back until one finds only a few frames
 * written during the one before (the writer keeps committing meanwhile), so the held pass is short.
 */
function catchUp() {
  try {
    let [r] = db.pragma('wal_checkpoint(PASSIVE)');
    for (let i = 0; i < 8; i++) {
      const copied = r.checkpointed;
      [r] = db.pragma('wal_checkpoint(PASSIVE)');
      if (r.log - copied < workerData.fewFrames) break;
    }
    parentPort.postMessage({ ready: true });
  } catch (e) {
    parentPort.postMessage({ final: false, error: String(e?.message ?? e) });
  }
}

const timer = setInterval(() => pass(false), workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'final') pass(true);
  else if (m === 'catch-up') catchUp();
  else if (m === 'stop') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
