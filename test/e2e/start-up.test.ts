import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { runBotToExit, startBotProcess } from '../helpers/bot-process.js';
import { startFakeBotApi } from '../helpers/fake-bot-api-server.js';
import { FakeTelegram } from '../helpers/fake-telegram.js';
import { SMALL_YAML } from '../helpers/questionnaires.js';
import { until } from '../helpers/until.js';

const TOKEN = '123456789:AAExampleTokenForStartUpTests_xyz';

describe('starting the bot', () => {
  it('without BOT_TOKEN, exits non-zero with one sentence saying where a token comes from', async () => {
    const { code, output } = await runBotToExit({});
    expect(code).toBe(1);
    expect(output.trim()).toBe(
      'BOT_TOKEN is not set: create a bot with @BotFather in Telegram, then set BOT_TOKEN to the token it gives you (in the environment or in a .env file).',
    );
  }, 30_000);

  it('reads a .env file in its working folder, and names a malformed variable', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'manyi-env-'));
    writeFileSync(join(cwd, '.env'), `BOT_TOKEN=${TOKEN}\nDIGEST_CRON=every monday\n`);
    const { code, output } = await runBotToExit({}, { cwd });
    expect(code).toBe(1);
    expect(output.trim()).toBe('DIGEST_CRON should be a cron expression of 5 fields (or 6 with seconds), like "0 9 * * 1" (got "every monday").');
  }, 30_000);

  it('refuses a broken questionnaire file, listing every problem by its path', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'manyi-q-')), 'q.yaml');
    writeFileSync(path, SMALL_YAML.replace('- id: channels', '- id: role').replace('max_length: 20', 'max_length: 0'));
    const { code, output } = await runBotToExit({ BOT_TOKEN: TOKEN, QUESTIONNAIRE_PATH: path });
    expect(code).toBe(1);
    expect(output).toContain(`QUESTIONNAIRE_PATH (${path}) is not a valid questionnaire:`);
    expect(output).toMatch(/questions\[4\]\.max_length \(line \d+\): at least 1/);
    // Cross-question problems come in the same pass as structural ones.
    expect(output).toMatch(/questions\[3\]\.id \(line \d+\): duplicates "role" \(first at line \d+\)/);
  }, 30_000);

  it('says so when Telegram refuses the token, without printing it', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    try {
      const { code, output } = await runBotToExit({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: server.apiRoot });
      expect(code).toBe(1);
      expect(output).toContain('Telegram refused BOT_TOKEN (401 Unauthorized)');
      expect(output).not.toContain(TOKEN.split(':')[1]);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('creates the database and its folder, migrates it, polls, and stops cleanly on SIGINT', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    const cwd = mkdtempSync(join(tmpdir(), 'manyi-cwd-'));
    try {
      const bot = await startBotProcess({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: server.apiRoot }, { cwd, server });
      expect(existsSync(join(cwd, 'data', 'manyi.sqlite'))).toBe(true);
      const resident = telegram.user(42, { language_code: 'en' });
      await resident.send('/start');
      expect(resident.lastText()).toMatch(/^No survey is open right now/);
      expect(await bot.stop('SIGINT')).toBe(0);
      expect(bot.output()).not.toContain(telegram.token.split(':')[1]);
      expect(bot.output()).toContain('"msg":"stopped"');
    } finally {
      await server.close();
    }
  }, 30_000);

  it('stops within seconds on SIGTERM even when Telegram has gone away', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    const bot = await startBotProcess({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: server.apiRoot }, { server });
    await telegram.user(42, { language_code: 'en' }).send('/start');
    await server.close();
    const started = Date.now();
    expect(await bot.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(12_000);
  }, 30_000);
});

describe('a newcomer’s first start without a way to Telegram', () => {
  it('says what it tries to reach, why it failed and when it tries again, and still stops at once', async () => {
    // A port nobody listens on.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const root = `http://127.0.0.1:${port}`;
    const bot = await startBotProcess({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: root }, { waitForPolling: false });
    const deadline = Date.now() + 20_000;
    while (!bot.output().includes('Trying again in 2 s') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const output = bot.output();
    expect(output).toContain(`connecting to Telegram at ${root}`);
    expect(output).toContain(
      `cannot reach Telegram at ${root}: the connection was refused (ECONNREFUSED); check TELEGRAM_API_ROOT and that the server is running. Trying again in 1 s`,
    );
    expect(output).toContain('Trying again in 2 s');
    expect(output).not.toContain(TOKEN.split(':')[1]);
    expect(await bot.stop('SIGTERM')).toBe(0);
  }, 30_000);

  it('ends with a sentence when TELEGRAM_API_ROOT is some other web server', async () => {
    const other = createHttpServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>Not here</body></html>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const root = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const { code, output } = await runBotToExit({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: root });
      expect(code).toBe(1);
      expect(output).toContain(`TELEGRAM_API_ROOT (${root}) answered getMe with something that is not the Telegram Bot API`);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  }, 30_000);

  it('writes readable lines for a person at a terminal, JSON lines otherwise, and never a secret', () => {
    const capture = () => {
      const stream = new PassThrough();
      const lines: string[] = [];
      stream.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
      return { stream, text: () => lines.join('') };
    };
    const forPerson = capture();
    createLogger('info', { readable: true, destination: forPerson.stream, secrets: [TOKEN] }).warn(
      { reason: `request to http://x/bot${TOKEN}/getMe failed` },
      'cannot reach Telegram',
    );
    expect(forPerson.text()).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: cannot reach Telegram/);
    expect(forPerson.text()).not.toContain(TOKEN);
    const forCollector = capture();
    createLogger('info', { readable: false, destination: forCollector.stream, secrets: [TOKEN] }).warn(
      { reason: `request to http://x/bot${TOKEN}/getMe failed` },
      'cannot reach Telegram',
    );
    expect(JSON.parse(forCollector.text())).toMatchObject({ msg: 'cannot reach Telegram', reason: 'request to http://x/bot<secret>/getMe failed' });
  });
});

/**
 * A thin proxy in front of the fake Bot API server that answers the first
 * calls of `method` with the given refusals, as a flaky Telegram or an
 * emulator without the method would, and passes everything else through.
 */
async function refusing(method: string, apiRoot: string, refusals: { status: number; body: object }[]) {
  const upstream = new URL(apiRoot);
  const proxy = createHttpServer((req, res) => {
    const refusal = req.url?.endsWith(`/${method}`) ? refusals.shift() : undefined;
    if (refusal) {
      req.resume();
      res.writeHead(refusal.status, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(refusal.body));
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    apiRoot: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: () => {
      proxy.closeAllConnections();
      return new Promise((resolve) => proxy.close(resolve));
    },
  };
}

describe('a Telegram that refuses the command menus', () => {
  it('starts and serves a resident anyway, and sets the menus once the server allows', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    const refusals = [
      { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } },
      { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } } },
      { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } },
      // An emulator that does not know the method may answer without an error code or description.
      { status: 404, body: { ok: false } },
    ];
    const proxy = await refusing('setMyCommands', server.apiRoot, refusals);
    try {
      const bot = await startBotProcess({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: proxy.apiRoot }, { server });
      const resident = telegram.user(42, { language_code: 'en' });
      await resident.send('/start');
      expect(resident.lastText()).toMatch(/^No survey is open right now/);
      expect(telegram.commands()).toEqual([]);

      await until(() => telegram.commands().length > 0, 'the command menus', 25_000);
      expect(telegram.commands().map((c) => c.command)).toEqual(['start', 'language', 'notify', 'help']);
      const output = bot.output();
      // The 500 and the 429 are retried by the API client itself; what it gives up on is retried in the background.
      expect(refusals).toEqual([]);
      expect(output).toContain('could not set the command menus (setMyCommands failed: Telegram answered 404 Not Found)');
      expect(output).toContain('setMyCommands failed: the server refused it without an error code or description');
      expect(output).not.toContain('undefined');
      expect(await bot.stop('SIGTERM')).toBe(0);
    } finally {
      await proxy.close();
      await server.close();
    }
  }, 60_000);
});

describe('a Telegram in trouble right after getMe', () => {
  it('waits until deleteWebhook is taken, saying so, then serves residents', async () => {
    const telegram = new FakeTelegram();
    const server = await startFakeBotApi(telegram);
    const outage = { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } };
    // The API client tries a call 4 times (0.5, 1, 2 s apart): 6 refusals outlast it once.
    const refusals = Array.from({ length: 6 }, () => outage);
    const proxy = await refusing('deleteWebhook', server.apiRoot, refusals);
    try {
      const bot = await startBotProcess({ BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: proxy.apiRoot }, { server });
      expect(refusals).toEqual([]);
      const resident = telegram.user(42, { language_code: 'en' });
      await resident.send('/start');
      expect(resident.lastText()).toMatch(/^No survey is open right now/);
      expect(bot.output()).toContain(
        'could not delete the webhook (deleteWebhook failed: Telegram answered 500 Internal Server Error). Trying again in 1 s',
      );
      expect(await bot.stop('SIGTERM')).toBe(0);
    } finally {
      await proxy.close();
      await server.close();
    }
  }, 60_000);
});
