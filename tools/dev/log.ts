// Output of the dev stack: every line prefixed with its source, JSON log lines shown briefly.
import type { Env } from './config.ts';

const ESC = '\u001b[';
const RESET = `${ESC}0m`;

export type Colour = 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray' | 'bold';

const CODES: Record<Colour, string> = {
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
  gray: '90',
  bold: '1',
};

const ANSI_SEQUENCE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

/** The text without ANSI escape sequences (colours, cursor moves). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_SEQUENCE, '');
}

export function paint(text: string, colour: Colour | undefined, enabled: boolean): string {
  return enabled && colour !== undefined ? `${ESC}${CODES[colour]}m${text}${RESET}` : text;
}

/** Colour when writing to a terminal, unless NO_COLOR is set; FORCE_COLOR forces it. */
export function colourEnabled(stream: { isTTY?: boolean }, env: Env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stream.isTTY === true;
}

/** The colour of each source's prefix. */
export const SOURCE_COLOURS: Readonly<Record<string, Colour>> = {
  jsjb: 'green',
  postgres: 'blue',
  redis: 'red',
  // Every hue is taken; bold (the terminal's own colour) still sets the broker apart.
  kafka: 'bold',
  build: 'gray',
  intake: 'cyan',
  routing: 'magenta',
  sla: 'yellow',
};

/** Wide enough for every source name above. */
export const PREFIX_WIDTH = Math.max(...Object.keys(SOURCE_COLOURS).map((name) => name.length));

export function formatPrefix(source: string, useColour: boolean, width: number = PREFIX_WIDTH): string {
  return `${paint(source.padEnd(width), SOURCE_COLOURS[source], useColour)} ${paint('|', 'gray', useColour)} `;
}

/** Splits a stream of text chunks into lines ("\n" or "\r\n"); keeps an unfinished last line. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map(stripCarriageReturn);
  }

  /** The unfinished line, if any (at the end of the stream). */
  flush(): string[] {
    const rest = this.rest;
    this.rest = '';
    return rest === '' ? [] : [stripCarriageReturn(rest)];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

const PINO_LEVELS: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

const LEVEL_COLOURS: Readonly<Record<string, Colour>> = {
  trace: 'gray',
  debug: 'gray',
  info: 'green',
  warn: 'yellow',
  error: 'red',
  fatal: 'red',
};

export function levelName(level: unknown): string | undefined {
  if (typeof level === 'number') return PINO_LEVELS[level] ?? String(level);
  if (typeof level === 'string' && level !== '') return level.toLowerCase();
  return undefined;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** HH:MM:SS.mmm in local time, or undefined when the value is not a time. */
export function formatTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return undefined;
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/**
 * A pino/JSON log line as `time LEVEL [context] msg …` (request and error details appended
 * briefly); anything that is not a JSON object with a message comes back unchanged.
 */
export function formatLogLine(line: string, useColour: boolean): string {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return line;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return line;
  }
  if (!isRecord(parsed)) return line;
  const msg = str(parsed['msg']) ?? str(parsed['message']);
  const level = levelName(parsed['level']);
  if (msg === undefined && level === undefined) return line;

  const parts: string[] = [];
  const time = formatTime(parsed['time']);
  if (time !== undefined) parts.push(paint(time, 'gray', useColour));
  if (level !== undefined) parts.push(paint(level.toUpperCase().padEnd(5), LEVEL_COLOURS[level], useColour));
  const context = str(parsed['context']);
  if (context !== undefined) parts.push(paint(`[${context}]`, 'gray', useColour));
  parts.push(msg ?? '');

  const req = parsed['req'];
  const res = parsed['res'];
  if (isRecord(req) && str(req['method']) !== undefined) {
    const status = isRecord(res) ? str(res['statusCode']) : undefined;
    const took = str(parsed['responseTime']);
    parts.push(
      `${str(req['method'])} ${str(req['url']) ?? ''}${status ? ` → ${status}` : ''}${took ? ` (${took} ms)` : ''}`,
    );
  }
  const code = str(parsed['code']);
  if (code !== undefined) parts.push(`(${code})`);
  const err = parsed['err'] ?? parsed['error'];
  if (isRecord(err)) {
    const errMessage = str(err['message']);
    if (errMessage !== undefined && errMessage !== msg) parts.push(`— ${errMessage}`);
  } else if (typeof err === 'string' && err !== msg) {
    parts.push(`— ${err}`);
  }
  return parts.join(' ');
}

export interface TextSink {
  write(text: string): unknown;
}

/** Where the launcher writes: prefixed lines for children, its own messages under "jsjb". */
export interface Output {
  readonly colour: boolean;
  /** One line from `source`, written as is after the prefix. */
  line(source: string, text: string, stream?: 'stdout' | 'stderr'): void;
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
}

export function createOutput(options: { stdout: TextSink; stderr: TextSink; colour: boolean }): Output {
  const { stdout, stderr, colour } = options;
  const line = (source: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): void => {
    const prefix = formatPrefix(source, colour);
    const target = stream === 'stderr' ? stderr : stdout;
    for (const part of text.split('\n')) target.write(`${prefix}${part}\n`);
  };
  return {
    colour,
    line,
    info: (text) => line('jsjb', text),
    warn: (text) => line('jsjb', paint(text, 'yellow', colour)),
    error: (text) => line('jsjb', paint(text, 'red', colour), 'stderr'),
  };
}
