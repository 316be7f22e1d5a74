/** Loads something through the client, reports failures, and can load it again. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { useConsole } from '../../context.js';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const { report } = useConsole();
  const [value, setValue] = useState<T | undefined>();
  const reload = useCallback(() => load().then(setValue, report), deps);
  useEffect(() => void reload(), [reload]);
  return { value, reload };
}
