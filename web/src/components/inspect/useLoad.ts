/**
 * Loads something through the client, reports failures, and can load it again. A `403` is
 * not a failure to shout about but an answer: the caller may not do this (`refused`, the
 * server's reason), and the panel shows what they may do instead of a form that will fail.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ConfabApiError } from '../../../../src/client/index.js';
import { useConsole } from '../../context.js';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []) {
  const { report } = useConsole();
  const [value, setValue] = useState<T | undefined>();
  const [refused, setRefused] = useState<string | undefined>();
  const reload = useCallback(
    () =>
      load().then(
        (loaded) => {
          setRefused(undefined);
          setValue(loaded);
        },
        (error: unknown) => {
          if (error instanceof ConfabApiError && error.status === 403) setRefused(error.body.message);
          else report(error);
        },
      ),
    deps,
  );
  useEffect(() => void reload(), [reload]);
  return { value, reload, refused };
}
