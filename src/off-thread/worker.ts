import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { Db } from '../db/client.js';
import * as schema from '../db/schema.js';
import { runJob } from './jobs.js';
import type { JobRequest, JobResponse, WorkerData } from './messages.js';

/*
 * The figures worker: its own read-only connection to the bot's database (WAL
 * lets it read beside the writer), one job at a time, each answered with its
 * value or the error it threw. Whatever it computes, the residents' thread
 * stays free.
 */

// On Linux the nice value belongs to the thread (pid 0: the calling one): when both want
// the CPU, the residents' thread goes first. Elsewhere this may lower the whole process or fail; either is harmless.
try {
  if (process.platform === 'linux') setPriority(0, constants.priority.PRIORITY_LOW);
} catch {
  // not allowed here: the worker runs at normal priority
}

const { databasePath } = workerData as WorkerData;
const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 1000');
const db = drizzle(sqlite, { schema }) as Db;
const port = parentPort;
if (!port) throw new Error('off-thread/worker.ts runs as a worker thread');

port.on('message', (request: JobRequest) => {
  void runJob(db, request.job, request.input).then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies JobResponse),
    (error: unknown) => {
      const carried = error instanceof Error ? { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) } : { name: 'Error', message: String(error) };
      port.postMessage({ id: request.id, ok: false, error: carried } satisfies JobResponse);
    },
  );
});
