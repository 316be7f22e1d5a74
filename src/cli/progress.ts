/**
 * Progress for long commands, on stderr so that stdout stays the command's result. On a
 * terminal one line is redrawn (at most ten times a second); elsewhere (CI logs, pipes)
 * only the final count is written, so logs are not flooded.
 */
export type ProgressReporter = (done: number, total: number) => void;

export function progress(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const started = performance.now();
  let drawnAt = 0;
  return (done, total) => {
    const finished = done >= total;
    const at = performance.now();
    if (stream.isTTY && !finished && at - drawnAt < 100) return;
    if (!stream.isTTY && !finished) return;
    drawnAt = at;
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    const line = `${label}: ${done}/${total} (${percent}%)${finished ? ` in ${Math.round(at - started)} ms` : ''}`;
    stream.write(stream.isTTY ? `\r\x1b[2K${line}${finished ? '\n' : ''}` : `${line}\n`);
  };
}
