/**
 * A byte stream as numbered lines, read as they arrive (the stream is paused while a
 * line is being handled, so a file of any size is read in constant memory). A line longer
 * than `maxBytes` is refused rather than buffered: a file with no newlines must not take
 * the process's memory.
 */
import { StringDecoder } from 'node:string_decoder';
import { ImportError } from './errors.js';

export interface Line {
  number: number;
  text: string;
}

export async function* readLines(input: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<Line> {
  // '\n' never occurs inside a multi-byte UTF-8 sequence, so splitting bytes on it is safe.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  const decoder = () => new StringDecoder('utf8');
  for await (const chunk of input) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10)) {
      number++;
      if (pendingBytes + newline > maxBytes) throw tooLong(number, maxBytes);
      const line = Buffer.concat([...pending, bytes.subarray(0, newline)]);
      pending = [];
      pendingBytes = 0;
      yield { number, text: stripCarriageReturn(decoder().end(line)) };
      bytes = bytes.subarray(newline + 1);
    }
    if (bytes.length > 0) {
      pendingBytes += bytes.length;
      if (pendingBytes > maxBytes) throw tooLong(number + 1, maxBytes);
      pending.push(Buffer.from(bytes));
    }
  }
  if (pendingBytes > 0) yield { number: number + 1, text: stripCarriageReturn(decoder().end(Buffer.concat(pending))) };
}

/** The lines of a text already in memory (an import sent over HTTP). */
export async function* linesOf(text: string): AsyncGenerator<Line> {
  let number = 0;
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const stop = end === -1 ? text.length : end;
    yield { number: ++number, text: stripCarriageReturn(text.slice(start, stop)) };
    start = stop + 1;
  }
}

function stripCarriageReturn(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

function tooLong(line: number, maxBytes: number): ImportError {
  return new ImportError(line, `the line is longer than ${maxBytes} bytes; no record is that long`);
}
