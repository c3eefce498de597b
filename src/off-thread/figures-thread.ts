import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Db } from '../db/client.js';
import { refreshSpeedFlags } from '../figures/quality.js';
import type { Logger } from '../logger.js';
import { roundsRead, runJob, type JobInput, type JobName, type JobOutput } from './jobs.js';
import type { CarriedError, JobRequest, JobResponse, WorkerData } from './messages.js';

/*
 * Heavy figures off the residents' thread: a pool of one worker thread,
 * started on first use and let go after a minute idle, that runs the jobs of
 * jobs.ts on its own read-only connection. The main thread only refreshes the
 * too-fast flags (a write) and sends. An in-memory database (the tests') cannot
 * be opened by a second connection, so there the same jobs run in-process.
 */

/** A worker left idle this long is stopped: its memory goes back (it starts again on the next job). */
const IDLE_MS = 60_000;

export interface FiguresThread {
  /** Runs a job; resolves with its value, rejects with the error it threw. */
  run<K extends JobName>(job: K, input: JobInput<K>): Promise<JobOutput<K>>;
  /** 'worker' for a database file, 'in-process' for ':memory:'. */
  readonly mode: 'worker' | 'in-process';
  /** Stops the worker; jobs still running are rejected. */
  close(): Promise<void>;
}

/**
 * Starts the worker beside this file: worker.js when compiled; under tsx (dev,
 * tests) worker.ts, through a two-line bootstrap that registers tsx in the
 * worker first (a worker does not inherit the parent's loader).
 */
function startWorker(workerData: WorkerData): Worker {
  const here = import.meta.url;
  if (here.endsWith('.js')) return new Worker(new URL('./worker.js', here), { workerData });
  const tsxApi = pathToFileURL(join(dirname(createRequire(here).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./worker.ts', here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

function revive(carried: CarriedError): Error {
  const error = new Error(carried.message);
  error.name = carried.name;
  if (carried.stack) error.stack = carried.stack;
  return error;
}

/** Buffers come back from the worker as Uint8Arrays. */
function restore<T>(value: unknown): T {
  return (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value) as T;
}

export function createFiguresThread({ db, logger }: { db: Db; logger: Logger }): FiguresThread {
  const refresh = (input: unknown) => {
    const rounds = roundsRead(db, input);
    if (rounds.length > 0) refreshSpeedFlags(db, rounds);
  };

  if (db.$client.memory) {
    return {
      mode: 'in-process',
      run: async <K extends JobName>(job: K, input: JobInput<K>): Promise<JobOutput<K>> => {
        refresh(input);
        return (await runJob(db, job, input)) as JobOutput<K>;
      },
      close: async () => undefined,
    };
  }

  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let worker: Worker | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 1;

  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };

  const start = (): Worker => {
    const started = startWorker({ databasePath: db.$client.name });
    // Never what keeps the process alive: the bot's own work does that.
    started.unref();
    started.on('message', (response: JobResponse) => {
      const waiting = pending.get(response.id);
      if (!waiting) return;
      pending.delete(response.id);
      if (response.ok) waiting.resolve(restore(response.value));
      else waiting.reject(revive(response.error));
      if (pending.size === 0) idle = setTimeout(() => void stop(), IDLE_MS).unref();
    });
    started.on('error', (error) => {
      logger.error({ err: error }, 'the figures worker failed');
      failAll(error);
    });
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      if (pending.size > 0) failAll(new Error(`the figures worker exited (${code}) with jobs in hand`));
    });
    return started;
  };

  const stop = async () => {
    clearTimeout(idle);
    const running = worker;
    worker = undefined;
    if (running) await running.terminate();
  };

  return {
    mode: 'worker',
    run: async <K extends JobName>(job: K, input: JobInput<K>): Promise<JobOutput<K>> => {
      refresh(input);
      clearTimeout(idle);
      worker ??= start();
      const id = nextId++;
      return new Promise<JobOutput<K>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        worker!.postMessage({ id, job, input } satisfies JobRequest);
      });
    },
    close: async () => {
      await stop();
      failAll(new Error('the figures worker was closed'));
    },
  };
}
