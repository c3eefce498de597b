import { Buffer } from 'node:buffer';

// Telegram HTML parse mode, modelled on TDLib's parse_html, but stricter about
// '&': TDLib keeps an unrecognized '&...' as text, we refuse it so that
// unescaped user input is caught by tests.

export interface HtmlEntity {
  type: string;
  offset: number; // UTF-16 code units, like Telegram
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export type HtmlParseResult =
  | { ok: true; text: string; entities: HtmlEntity[] }
  | { ok: false; description: string };

const ERROR_PREFIX = "Bad Request: can't parse entities: ";

const ENTITY_TYPES: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  span: 'spoiler',
  'tg-spoiler': 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

export function parseTelegramHtml(html: string): HtmlParseResult {
  try {
    return { ok: true, ...new HtmlParser(html).parse() };
  } catch (error) {
    if (error instanceof HtmlSyntaxError) {
      return { ok: false, description: ERROR_PREFIX + error.message };
    }
    throw error;
  }
}

class HtmlSyntaxError extends Error {}

interface OpenTag {
  name: string;
  textStart: number;
  attributes: Map<string, string>;
  language?: string;
}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\n' || c === '\t' || c === '\r' || c === '\f' || c === '\v';

class HtmlParser {
  private i = 0;
  private text = '';
  private readonly stack: OpenTag[] = [];
  private readonly entities: HtmlEntity[] = [];

  constructor(private readonly html: string) {}

  parse(): { text: string; entities: HtmlEntity[] } {
    const { html } = this;
    while (this.i < html.length) {
      const c = html[this.i];
      if (c === '&') this.text += this.readCharacterEntity();
      else if (c === '<' && html[this.i + 1] === '/') this.readEndTag();
      else if (c === '<') this.readStartTag();
      else {
        this.text += c;
        this.i++;
      }
    }
    const unclosed = this.stack.at(-1);
    if (unclosed) this.fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
    this.entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
    return { text: this.text, entities: this.entities };
  }

  private fail(message: string): never {
    throw new HtmlSyntaxError(message);
  }

  private unclosedStartTag(begin: number): never {
    this.fail(`Unclosed start tag at byte offset ${this.byteOffset(begin)}`);
  }

  private byteOffset(index: number): number {
    return Buffer.byteLength(this.html.slice(0, index), 'utf8');
  }

  // Decodes the entity at this.i ('&') and advances past it.
  private readCharacterEntity(): string {
    const start = this.i;
    const head = this.html.slice(start, start + 12);
    const match = /^&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);/.exec(head);
    const body = match?.[1];
    if (body === undefined) {
      this.fail(`Unescaped "&" at byte offset ${this.byteOffset(start)}; write it as &amp;`);
    }
    this.i += body.length + 2;
    if (!body.startsWith('#')) {
      const decoded = NAMED_ENTITIES[body];
      if (decoded === undefined) {
        this.fail(`Unsupported character entity "&${body};" at byte offset ${this.byteOffset(start)}`);
      }
      return decoded;
    }
    const hex = body[1] === 'x' || body[1] === 'X';
    const codePoint = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
    const surrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
    if (codePoint <= 0 || codePoint > 0x10ffff || surrogate) {
      this.fail(`Invalid character entity "&${body};" at byte offset ${this.byteOffset(start)}`);
    }
    return String.fromCodePoint(codePoint);
  }

  private readTagName(): string {
    const start = this.i;
    const { html } = this;
    while (this.i < html.length && !isSpace(html[this.i]) && html[this.i] !== '>') this.i++;
    return this.html.slice(start, this.i).toLowerCase();
  }

  private skipSpaces(): void {
    while (isSpace(this.html[this.i])) this.i++;
  }

  private readStartTag(): void {
    const begin = this.i;
    this.i++;
    const name = this.readTagName();
    if (this.i >= this.html.length) this.unclosedStartTag(begin);
    if (!(name in ENTITY_TYPES)) {
      this.fail(`Unsupported start tag "${name}" at byte offset ${this.byteOffset(begin)}`);
    }
    const attributes = this.readAttributes(name, begin);
    this.i++; // '>'
    this.checkRequiredAttributes(name, attributes, begin);
    this.stack.push({ name, textStart: this.text.length, attributes });
  }

  private readAttributes(tag: string, begin: number): Map<string, string> {
    const attributes = new Map<string, string>();
    for (;;) {
      this.skipSpaces();
      if (this.i >= this.html.length) this.unclosedStartTag(begin);
      if (this.html[this.i] === '>') return attributes;
      const nameStart = this.i;
      while (
        this.i < this.html.length &&
        !isSpace(this.html[this.i]) &&
        this.html[this.i] !== '=' &&
        this.html[this.i] !== '>'
      ) {
        this.i++;
      }
      const name = this.html.slice(nameStart, this.i).toLowerCase();
      if (name === '') {
        this.fail(`Empty attribute name in the tag "${tag}" at byte offset ${this.byteOffset(nameStart)}`);
      }
      this.skipSpaces();
      if (this.html[this.i] !== '=') {
        if (tag === 'blockquote' && name === 'expandable') {
          attributes.set(name, '');
          continue;
        }
        this.fail(
          `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${this.byteOffset(begin)}`,
        );
      }
      this.i++;
      this.skipSpaces();
      attributes.set(name, this.readAttributeValue(begin));
    }
  }

  private readAttributeValue(begin: number): string {
    const quote = this.html[this.i];
    if (this.i >= this.html.length) this.unclosedStartTag(begin);
    if (quote !== '"' && quote !== "'") {
      // Unquoted values are HTML name tokens.
      const start = this.i;
      while (/[A-Za-z0-9.-]/.test(this.html[this.i] ?? '')) this.i++;
      const next = this.html[this.i];
      if (!isSpace(next) && next !== '>') {
        this.fail(`Unexpected end of name token at byte offset ${this.byteOffset(this.i)}`);
      }
      return this.html.slice(start, this.i).toLowerCase();
    }
    this.i++;
    let value = '';
    while (this.i < this.html.length && this.html[this.i] !== quote) {
      if (this.html[this.i] === '&') value += this.readCharacterEntity();
      else value += this.html[this.i++];
    }
    if (this.i >= this.html.length) this.unclosedStartTag(begin);
    this.i++; // closing quote
    return value;
  }

  private checkRequiredAttributes(
    tag: string,
    attributes: Map<string, string>,
    begin: number,
  ): void {
    const at = `at byte offset ${this.byteOffset(begin)}`;
    if (tag === 'span' && attributes.get('class') !== 'tg-spoiler') {
      this.fail(`Tag "span" must have class "tg-spoiler" ${at}`);
    }
    if (tag === 'a' && !attributes.get('href')) {
      this.fail(`Tag "a" must have a non-empty href attribute ${at}`);
    }
    if (tag === 'tg-emoji' && !/^[0-9]+$/.test(attributes.get('emoji-id') ?? '')) {
      this.fail(`Tag "tg-emoji" must have a numeric emoji-id attribute ${at}`);
    }
  }

  private readEndTag(): void {
    const begin = this.i;
    this.i += 2;
    const open = this.stack.at(-1);
    if (!open) this.fail(`Unexpected end tag at byte offset ${this.byteOffset(begin)}`);
    const name = this.readTagName();
    this.skipSpaces();
    if (name !== '' && name !== open.name) {
      this.fail(
        `Unmatched end tag at byte offset ${this.byteOffset(begin)}, expected "</${open.name}>", found "</${name}>"`,
      );
    }
    if (this.html[this.i] !== '>') this.fail(`Unclosed end tag at byte offset ${this.byteOffset(begin)}`);
    this.i++;
    this.stack.pop();
    this.addEntity(open);
  }

  private addEntity(tag: OpenTag): void {
    const offset = tag.textStart;
    const length = this.text.length - offset;
    const language = tag.attributes.get('class')?.match(/^language-(.+)$/)?.[1];
    const parent = this.stack.at(-1);
    // <pre><code class="language-x"> is one pre entity with a language.
    if (tag.name === 'code' && language !== undefined && parent?.name === 'pre') {
      parent.language = language;
      return;
    }
    if (length === 0) return;
    const entity: HtmlEntity = { type: ENTITY_TYPES[tag.name] ?? tag.name, offset, length };
    if (tag.name === 'a') entity.url = tag.attributes.get('href');
    if (tag.name === 'pre' && tag.language !== undefined) entity.language = tag.language;
    if (tag.name === 'blockquote' && tag.attributes.has('expandable')) {
      entity.type = 'expandable_blockquote';
    }
    if (tag.name === 'tg-emoji') entity.custom_emoji_id = tag.attributes.get('emoji-id');
    this.entities.push(entity);
  }
}

/** What Telegram would show of a message, after checking it would accept the HTML and its length at all. */
export function shownText(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(parsed.description);
  if (parsed.text.length > 4096) throw new Error(`${parsed.text.length} characters: Telegram takes 4,096 at most`);
  return parsed.text;
}
