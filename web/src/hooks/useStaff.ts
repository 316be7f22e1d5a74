/** The organization's active staff (dev users), read once per session: whom a conversation can be assigned to. */
import { useEffect, useState } from 'preact/hooks';
import type { DevUser } from '../../../src/client/index.js';
import { useConsole } from '../context.js';

const read = new WeakMap<object, Promise<DevUser[]>>();

export function useStaff(): DevUser[] {
  const { client, report } = useConsole();
  const [staff, setStaff] = useState<DevUser[]>([]);
  useEffect(() => {
    let answer = read.get(client);
    if (!answer) {
      answer = client.call<{ dev_users: DevUser[] }>('dev-users.list', { limit: 100, state: ['active'] }).then(({ dev_users }) => dev_users);
      read.set(client, answer);
      answer.catch(() => read.delete(client));
    }
    let current = true;
    answer.then((value) => current && setStaff(value), report);
    return () => {
      current = false;
    };
  }, [client]);
  return staff;
}
