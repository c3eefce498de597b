import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startNodeFlags } from '../helpers/start-command.js';

/*
 * Bot processes for the benchmark: spawned as `npm start` runs manyi (node
 * with source maps on the compiled dist/main.js; a .ts entry, like the floor
 * bot, runs with the tsx loader; node itself, no npm in between, so
 * the pid is the bot's), from a scratch folder so no .env leaks in, with their
 * memory sampled from /proc. Every process started here is killed when the
 * benchmark exits, whatever way it exits.
 */

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TSX_LOADER = pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href;

const alive = new Set<ChildProcess>();
const scratchDirs = new Set<string>();

function cleanUp(): void {
  for (const child of alive) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  alive.clear();
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  scratchDirs.clear();
}
process.on('exit', cleanUp);

export interface MemorySample {
  /** ms since the process started being sampled */
  t: number;
  rssKb: number;
}

export interface BotProcess {
  pid: number;
  /** The scratch folder it runs in (heap snapshots land here). */
  cwd: string;
  /** performance.now() when it was spawned: memory samples' `t` counts from here. */
  startedAt: number;
  output(): string;
  exited: Promise<number | null>;
  isRunning(): boolean;
  /** How it ended: an exit code or a signal, or 'running'. */
  status(): string;
  /** Resolves when the output contains `text`; rejects on exit or after `timeoutMs`. */
  waitForOutput(text: string, timeoutMs: number): Promise<void>;
  /** Current and peak memory from /proc/<pid>/status (kB), or undefined once gone. */
  memory(): { rssKb: number; hwmKb: number } | undefined;
  /** CPU seconds (user + system) used so far, from /proc/<pid>/stat. */
  cpuSeconds(): number;
  /** Highest VmRSS seen by the 50 ms sampler, and the last VmHWM read. */
  peak(): { sampledRssKb: number; hwmKb: number };
  /** Every sample (one per 50 ms). */
  samples(): MemorySample[];
  /**
   * Live JS heap in bytes: asks for a heap snapshot (the process must run with
   * --heapsnapshot-signal=SIGUSR2; V8 collects garbage before taking it) and
   * adds up the sizes of the objects in it.
   */
  liveHeapBytes(timeoutMs?: number): Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null if killed). */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnOptions {
  env: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

export function spawnBot(entry: string, { env, nodeFlags = [] }: SpawnOptions): BotProcess {
  const cwd = mkdtempSync(join(tmpdir(), 'manyi-bench-cwd-'));
  scratchDirs.add(cwd);
  // Compiled, with the flags npm start gives node; through tsx as npm run dev does.
  const runner = entry.endsWith('.ts') ? ['--import', TSX_LOADER] : startNodeFlags();
  const child = spawn(process.execPath, [...nodeFlags, ...runner, join(REPO, entry)], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  alive.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      alive.delete(child);
      rmSync(cwd, { recursive: true, force: true });
      scratchDirs.delete(cwd);
      resolve(code);
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${entry}`);
  const isRunning = () => child.exitCode === null && child.signalCode === null;

  const memory = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = /VmRSS:\s+(\d+)/.exec(status)?.[1];
      const hwm = /VmHWM:\s+(\d+)/.exec(status)?.[1];
      if (rss === undefined || hwm === undefined) return undefined;
      return { rssKb: Number(rss), hwmKb: Number(hwm) };
    } catch {
      return undefined;
    }
  };

  let sampledRssKb = 0;
  let hwmKb = 0;
  const started = performance.now();
  const samples: MemorySample[] = [];
  const sample = () => {
    const m = memory();
    if (!m) return;
    sampledRssKb = Math.max(sampledRssKb, m.rssKb);
    hwmKb = Math.max(hwmKb, m.hwmKb);
    const t = Math.round(performance.now() - started);
    samples.push({ t, rssKb: m.rssKb });
  };
  const sampler = setInterval(sample, 50);
  sampler.unref();
  void exited.then(() => clearInterval(sampler));

  const cpuSeconds = () => {
    try {
      // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return Number.NaN;
    }
  };

  return {
    pid,
    cwd,
    startedAt: started,
    output: () => output,
    exited,
    isRunning,
    status: () => (isRunning() ? 'running' : `exit code ${child.exitCode ?? '–'}, signal ${child.signalCode ?? '–'}`),
    waitForOutput: async (text, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while (!output.includes(text)) {
        if (!isRunning()) throw new Error(`${entry} exited (${child.exitCode ?? child.signalCode}):\n${output}`);
        if (Date.now() > deadline) throw new Error(`${entry} did not print "${text}" within ${timeoutMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    memory,
    cpuSeconds,
    peak: () => {
      sample();
      return { sampledRssKb, hwmKb };
    },
    samples: () => [...samples],
    liveHeapBytes: async (timeoutMs = 60_000) => {
      const snapshots = () => readdirSync(cwd).filter((f) => f.endsWith('.heapsnapshot'));
      const before = new Set(snapshots());
      child.kill('SIGUSR2');
      const deadline = Date.now() + timeoutMs;
      let lastSize = -1;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        if (!isRunning()) throw new Error(`${entry} exited while writing a heap snapshot`);
        const file = snapshots().find((f) => !before.has(f));
        if (file === undefined) continue;
        const path = join(cwd, file);
        const size = statSync(path).size;
        if (size === 0 || size !== lastSize) {
          lastSize = size;
          continue;
        }
        let snapshot: { snapshot: { meta: { node_fields: string[] } }; nodes: number[] };
        try {
          snapshot = JSON.parse(readFileSync(path, 'utf8')) as typeof snapshot;
        } catch {
          continue; // still being written
        }
        rmSync(path, { force: true });
        const fields = snapshot.snapshot.meta.node_fields;
        const selfSize = fields.indexOf('self_size');
        let total = 0;
        for (let i = selfSize; i < snapshot.nodes.length; i += fields.length) total += snapshot.nodes[i]!;
        return total;
      }
      throw new Error(`${entry} wrote no heap snapshot within ${timeoutMs} ms`);
    },
    stop: async (graceMs = 10_000) => {
      if (!isRunning()) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (isRunning()) child.kill('SIGKILL');
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** CPU seconds all processes on the machine have used (/proc/stat: all but idle and iowait). */
export function machineCpuSeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / 100;
  } catch {
    return Number.NaN;
  }
}

export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.add(dir);
  mkdirSync(join(dir, 'data'), { recursive: true });
  return dir;
}
