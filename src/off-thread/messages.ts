import type { JobInput, JobName } from './jobs.js';

/** What the main thread posts to the figures worker, and what comes back. */
export interface JobRequest<K extends JobName = JobName> {
  id: number;
  job: K;
  input: JobInput<K>;
}

export interface CarriedError {
  name: string;
  message: string;
  stack?: string;
}

export type JobResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: CarriedError };

/** The worker's start-up data: the database it opens read-only. */
export interface WorkerData {
  databasePath: string;
}
