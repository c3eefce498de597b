import Database from 'better-sqlite3';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { TEXTS } from '../../src/texts/resident.js';
import { answers } from '../../src/db/schema.js';
import { createTestBot } from '../helpers/bot-harness.js';
import { until } from '../helpers/until.js';

/*
 * A full disk, played at the driver: while `full` is set, every write
 * statement but the inbox's (the update came in just before the disk
 * filled up) fails with the error better-sqlite3 gives for it
 * (SQLITE_FULL). Reads still work, as they do on a full disk.
 */

let full = false;
const probe = new Database(':memory:').prepare('SELECT 1');
const statementPrototype = Object.getPrototypeOf(probe) as { run: (...args: unknown[]) => unknown };
const run = statementPrototype.run;
statementPrototype.run = function (this: Database.Statement, ...args: unknown[]) {
  if (full && !this.reader && !/^(INSERT INTO inbox_updates|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(this.source)) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
  return run.apply(this, args);
};

describe('a full disk', () => {
  it('a resident whose answer meets a full disk hears once that it is kept, and it is recorded when there is room again', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const t = createTestBot({ logger });
    await t.openRound();
    const resident = t.resident(2001, 'en');
    await resident.send('/start');
    const { db } = t;
    const question = resident.lastBotMessage()!;
    full = true;
    const pressing = resident.press('Member');
    await until(() => resident.botMessages().some((m) => m.text === TEXTS.en.storageFull), 'the apology', 10_000);
    expect(db.select().from(answers).all()).toEqual([]);
    // Tried several times meanwhile (a second later, two seconds later…), told the operator once.
    await until(() => lines.filter((l) => l.includes('"cause":"database or disk is full"')).length >= 2, 'a few attempts', 10_000);
    expect(lines.filter((l) => l.includes('the disk is full'))).toHaveLength(1);

    // Room again: the kept press is recorded and the next question asked, with no second apology.
    full = false;
    await pressing;
    expect(resident.botMessages().find((m) => m.message_id === question.message_id)?.text).toMatch(/^✓ 1\/5 Member\n\n2 \/ 5\n/);
    expect(db.select({ q: answers.questionId, v: answers.value }).from(answers).all()).toEqual([{ q: 'role', v: 'member' }]);
    expect(resident.botMessages().filter((m) => m.text === TEXTS.en.storageFull)).toHaveLength(1);
  }, 30_000);
});
