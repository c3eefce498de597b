import type { Chat, Message, Update, User } from 'grammy/types';
import type { Questionnaire } from '../../src/questionnaire/schema.js';
import type { ChatMessage, FakeTelegram, FakeUser } from './fake-telegram.js';
import type { Random } from './random.js';

/*
 * A seeded generator of whatever can reach a Telegram bot: residents playing
 * along, junk text (up to 10,000 characters), media, edits, forged and stale
 * button data, commands with junk arguments, admin commands from anyone,
 * channel posts, inline queries, chats and users never seen before, and a
 * resident who blocks the bot in the middle. Used by the fuzz tests, both
 * in-process and against the real process.
 */

export interface FuzzWorld {
  telegram: FakeTelegram;
  random: Random;
  questionnaire: Questionnaire;
  residents: FakeUser[];
  admin: FakeUser;
  adminGroupId: number;
  /** Highest response id there may be (for valid-looking forged data). */
  maxResponseId(): number;
  /** Next id for a user or chat never seen before. */
  freshId(): number;
}

export interface FuzzStats {
  actions: Record<string, number>;
  /** Chats that blocked the bot at some point: a 403 from them is expected. */
  blocked: Set<number>;
  /** Updates the fake Telegram would not deliver to this bot (not in its allowed_updates). */
  undeliverable: number;
}

export function newFuzzStats(): FuzzStats {
  return { actions: {}, blocked: new Set(), undeliverable: 0 };
}

const CJK = '滿意組織工作幹部選拔任用基層黨組織人才服務群眾公開透明问卷调查请您评价';
const EMOJI = ['😀', '👍🏽', '🇹🇼', '👨‍👩‍👧', '❤️', '🎉', '𠀋', '🀄'];
const ODD = ['\u200b', '\u200d', '\ufeff', '\u202e', '\u0301', '\u00a0', '\t', '\n', 'ـ', 'א', '\u2028'];
const MARKUP = ['<b>', '</b>', '<i>x</i>', '&amp;', '&lt;', '<a href="tg://x">', '</a>', '<tg-spoiler>', '*', '_', '`', '[', ']', '(', ')', '~', '||', '\\', '"', "'"];

/** Junk a person (or a script) could type; never empty after trimming, as Telegram delivers nothing else. */
export function junkText(random: Random, maxLength = 300): string {
  const kind = random.weighted<string>([
    [5, 'mixed'],
    [1, 'huge'],
    [1, 'limit'],
    [1, 'markup'],
    [1, 'digits'],
    [1, 'slash'],
  ]);
  const piece = (): string =>
    random.weighted<() => string>([
      [4, () => String.fromCharCode(random.int(0x21, 0x7e))],
      [3, () => CJK[random.int(0, CJK.length - 1)]!],
      [1, () => random.pick(EMOJI)],
      [1, () => random.pick(ODD)],
      [1, () => ' '],
      [1, () => random.pick(MARKUP)],
    ])();
  let text = '';
  switch (kind) {
    case 'huge':
      text = random.pick(['長', 'a', '😀', '<b>']).repeat(random.pick([1001, 4097, 10_000]));
      break;
    case 'limit':
      text = 'x'.repeat(random.pick([20, 21, 999, 1000, 1001, 4096]));
      break;
    case 'markup':
      text = Array.from({ length: random.int(1, 12) }, () => random.pick(MARKUP)).join('');
      break;
    case 'digits':
      text = random.pick(['0', '100', '-1', '1e309', 'NaN', '99999999999999999999', '3.5', '٣']);
      break;
    case 'slash':
      text = `/${Array.from({ length: random.int(0, 20) }, piece).join('')}`;
      break;
    default: {
      const length = random.int(1, maxLength);
      while ([...text].length < length) text += piece();
    }
  }
  return text.trim() === '' ? `x${text}` : text;
}

/** Button data as a forger would write it: random bytes, or our format with wrong parts. */
export function forgedData(world: FuzzWorld): string {
  const { random, questionnaire } = world;
  const ids = questionnaire.questions.map((q) => q.id);
  const responseId = () =>
    String(random.pick([0, 1, random.int(1, world.maxResponseId() + 2), 999_999_999_999, world.maxResponseId()]));
  const questionId = () => random.pick([...ids, 'nonexistent', 'a'.repeat(32), 'x']);
  const index = () => String(random.pick([0, 1, 2, 5, 6, 9, 10, 42, 99]));
  const data = random.weighted<() => string>([
    [3, () => `1a:${responseId()}:${questionId()}:${index()}`],
    [2, () => `1t:${responseId()}:${questionId()}:${index()}`],
    [1, () => `1d:${responseId()}:${questionId()}`],
    [1, () => `1s:${responseId()}:${questionId()}`],
    [1, () => `1b:${responseId()}:${random.chance(0.5) ? questionId() : ''}`],
    [1, () => `1S:${responseId()}`],
    [1, () => `1L:${random.pick(['en', 'zh-Hant', 'zh-Hans', 'fr', '', 'EN', 'zh'])}`],
    [1, () => `2a:${responseId()}:${questionId()}:${index()}`],
    [1, () => `1a:${responseId()}:${questionId()}`],
    [1, () => `1a:${responseId()}:${questionId()}:${index()}:${index()}`],
    [3, () => junkText(random, 64)],
  ])();
  // Telegram carries at most 64 bytes of button data.
  let clipped = '';
  for (const char of data) {
    if (Buffer.byteLength(clipped + char, 'utf8') > 64) break;
    clipped += char;
  }
  return clipped === '' ? 'x' : clipped;
}

const ADMIN_COMMANDS = ['open_round', 'close_round', 'status', 'rounds', 'digest', 'export', 'questionnaire', 'help'];

function junkArguments(random: Random): string {
  return random.weighted<() => string>([
    [3, () => ''],
    [3, () => ` ${junkText(random, 80)}`],
    [1, () => ` ${'標'.repeat(random.pick([99, 100, 101, 200]))}`],
    [1, () => ` x --until ${random.pick(['2020-01-01', '2099-12-31', '2026-02-30', 'tomorrow', '', '9999-99-99'])}`],
    [1, () => ` ${random.pick(['1', '0', '-1', '999999', '99999999999999999999', '1e3', '../etc/passwd', '1;drop table rounds'])}`],
  ])();
}

/** Commands with junk arguments: residents' own, and admin commands from anyone. */
export function junkCommand(random: Random, { admin = false } = {}): string {
  const command = random.weighted<string>([
    [3, 'start'],
    [1, 'language'],
    [1, 'help'],
    [admin ? 6 : 3, random.pick(ADMIN_COMMANDS)],
    [1, random.pick(['START', 'stop', 'settings', 'a'.repeat(40), 'start@manyi_test_bot', 'start@other_bot'])],
  ]);
  return `/${command}${junkArguments(random)}`;
}

/** The callback data of buttons on a bot message. */
function buttonData(message: ChatMessage): string[] {
  return (message.replyMarkup?.inline_keyboard.flat() ?? []).flatMap((b) =>
    'callback_data' in b && b.callback_data ? [b.callback_data] : [],
  );
}

const BOT_USER = (telegram: FakeTelegram): User => ({
  id: telegram.botInfo.id,
  is_bot: true,
  first_name: telegram.botInfo.first_name,
  username: telegram.botInfo.username,
});

function memberUpdate(telegram: FakeTelegram, user: User, status: 'kicked' | 'member'): Omit<Update, 'update_id'> {
  const old = status === 'kicked' ? 'member' : 'kicked';
  const chat: Chat.PrivateChat = { id: user.id, type: 'private', first_name: user.first_name };
  return {
    my_chat_member: {
      chat,
      from: user,
      date: Math.floor(Date.now() / 1000),
      old_chat_member: { user: BOT_USER(telegram), status: old, ...(old === 'kicked' ? { until_date: 0 } : {}) } as never,
      new_chat_member: { user: BOT_USER(telegram), status, ...(status === 'kicked' ? { until_date: 0 } : {}) } as never,
    },
  };
}

/**
 * One random action of the world; resolves when it was handled, or turned
 * away as Telegram would (an update type the bot did not subscribe to).
 */
export async function randomAction(world: FuzzWorld, stats: FuzzStats): Promise<string> {
  const { random, telegram } = world;
  const resident = random.pick(world.residents);
  const action = random.weighted<string>([
    [30, 'play'],
    [6, 'stale-press'],
    [10, 'forged-press'],
    [12, 'text'],
    [8, 'command'],
    [4, 'admin'],
    [8, 'media'],
    [3, 'edit'],
    [3, 'not-subscribed'],
    [4, 'stranger'],
    [3, 'group'],
    [2, 'block'],
    [1, 'no-sender'],
  ]);
  stats.actions[action] = (stats.actions[action] ?? 0) + 1;
  const undeliverable = (error: unknown) => {
    if (error instanceof Error && /allowed_updates/.test(error.message)) {
      stats.undeliverable++;
      return;
    }
    throw error;
  };

  switch (action) {
    case 'play': {
      // Press a live button of the newest prompt (answers, Back, Skip, Done, Submit), or type an answer.
      const prompt = resident.botMessages().filter((m) => m.replyMarkup).at(-1);
      const data = prompt ? buttonData(prompt) : [];
      if (!prompt || data.length === 0 || random.chance(0.1)) {
        await resident.send(random.chance(0.7) ? '/start' : junkText(random, 40));
      } else {
        await resident.pressData(random.pick(data), prompt.message_id);
      }
      break;
    }
    case 'stale-press': {
      const old = resident.botMessages().filter((m) => buttonData(m).length > 0);
      if (old.length === 0) return randomAction(world, stats);
      const message = random.pick(old);
      await resident.pressData(random.pick(buttonData(message)), message.message_id);
      break;
    }
    case 'forged-press': {
      if (resident.botMessages().length === 0) await resident.send('/start');
      await resident.pressData(forgedData(world));
      break;
    }
    case 'text':
      await resident.send(junkText(random));
      break;
    case 'command':
      await resident.send(junkCommand(random));
      break;
    case 'admin': {
      const command = junkCommand(random, { admin: true });
      if (random.chance(0.3)) await world.admin.sendIn(world.adminGroupId, command);
      else await world.admin.send(command);
      break;
    }
    case 'media': {
      const media = random.pick(['sticker', 'photo', 'voice', 'location', 'contact', 'dice', 'document', 'poll']);
      if (media === 'sticker') await resident.sendSticker();
      else if (media === 'photo') await resident.sendPhoto(random.chance(0.5) ? junkText(random, 1024) : undefined);
      else if (media === 'voice') await resident.sendVoice();
      else if (media === 'location') await resident.sendLocation();
      else if (media === 'contact') await resident.sendRaw({ contact: { phone_number: '+886900000000', first_name: 'X' } });
      else if (media === 'dice') await resident.sendRaw({ dice: { emoji: '🎲', value: random.int(1, 6) } });
      else if (media === 'poll') {
        const poll = { id: 'p1', question: 'q?', options: [], total_voter_count: 0, is_closed: false, is_anonymous: true, type: 'regular', allows_multiple_answers: false };
        await resident.sendRaw({ poll } as unknown as Partial<Message>);
      } else {
        const document = { file_id: 'BQACAgFake', file_unique_id: 'FakeDoc', file_name: 'a.pdf', mime_type: 'application/pdf' };
        await resident.sendRaw({ document, caption: junkText(random, 100) });
      }
      break;
    }
    case 'edit': {
      try {
        await resident.editLast(junkText(random, 100));
      } catch (error) {
        if (!(error instanceof Error && /no text message to edit/.test(error.message))) throw error;
        await resident.send(junkText(random, 20));
      }
      break;
    }
    case 'not-subscribed': {
      const kind = random.pick(['channel_post', 'edited_channel_post', 'inline_query', 'chosen_inline_result', 'chat_member']);
      const user = resident.user;
      const channel = { id: -1_001_000_000_000 - random.int(1, 5), type: 'channel' as const, title: 'A channel' };
      const post = { message_id: random.int(1, 1000), date: Math.floor(Date.now() / 1000), chat: channel, sender_chat: channel, text: junkText(random, 100) };
      const bodies: Record<string, Omit<Update, 'update_id'>> = {
        channel_post: { channel_post: post as never },
        edited_channel_post: { edited_channel_post: { ...post, edit_date: post.date } as never },
        inline_query: { inline_query: { id: String(random.int(1, 1e9)), from: user, query: junkText(random, 50), offset: '' } },
        chosen_inline_result: { chosen_inline_result: { result_id: 'r', from: user, query: 'q' } },
        chat_member: { chat_member: memberUpdate(telegram, user, 'member').my_chat_member! },
      };
      await telegram.dispatch(bodies[kind]!).catch(undeliverable);
      break;
    }
    case 'stranger': {
      const id = world.freshId();
      const stranger = telegram.user(id, random.chance(0.5) ? { language_code: random.pick(['fr', 'zh-TW', 'zh-CN', 'en-GB', 'xx', '']) } : {});
      const what = random.int(0, 3);
      if (what === 0) await stranger.send('/start');
      else if (what === 1) await stranger.send(junkText(random));
      else if (what === 2) await stranger.pressData(forgedData(world)).catch(async () => stranger.send('/help'));
      else await stranger.sendSticker();
      break;
    }
    case 'group': {
      const groupId = -world.freshId();
      telegram.group(groupId, junkText(random, 30), random.pick(['group', 'supergroup'] as const));
      const text = random.chance(0.6) ? junkCommand(random, { admin: random.chance(0.5) }) : junkText(random, 60);
      await resident.sendIn(groupId, text);
      break;
    }
    case 'block': {
      // The resident blocks the bot, then goes on pressing buttons still on screen; later comes back.
      const user = resident.user;
      stats.blocked.add(user.id);
      telegram.block(user.id);
      await telegram.dispatch(memberUpdate(telegram, user, 'kicked'));
      const prompt = resident.botMessages().filter((m) => m.replyMarkup).at(-1);
      if (prompt) await resident.pressData(random.pick(buttonData(prompt)), prompt.message_id);
      if (random.chance(0.5)) {
        telegram.unblock(user.id);
        await telegram.dispatch(memberUpdate(telegram, user, 'member'));
      }
      break;
    }
    case 'no-sender': {
      // A message in a group sent on behalf of a channel or an anonymous admin: no usable `from`.
      const groupId = -world.freshId();
      telegram.group(groupId, 'Anonymous', 'supergroup');
      const chat = { id: groupId, type: 'supergroup' as const, title: 'Anonymous' };
      const text = random.pick(['/start', '/status', '/open_round x', junkText(random, 30)]);
      const entities = text.startsWith('/') ? [{ type: 'bot_command' as const, offset: 0, length: text.split(' ')[0]!.length }] : undefined;
      await telegram.dispatch({
        message: {
          message_id: random.int(1, 1e6),
          date: Math.floor(Date.now() / 1000),
          chat,
          sender_chat: chat,
          from: { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' },
          text,
          ...(entities ? { entities } : {}),
        } as never,
      });
      break;
    }
  }
  return action;
}
