/** The organization's dev users; in emulator mode, act as any of them with one click. */
import type { DevUser } from '../../../../src/client/index.js';
import { useConsole } from '../../context.js';
import { userName } from '../names.js';
import { Refused } from './Refused.js';
import { useLoad } from './useLoad.js';

export function UsersPanel() {
  const { client, self, features, report, switchToken } = useConsole();
  const { value, refused } = useLoad(() => client.call<{ dev_users: DevUser[] }>('dev-users.list', { limit: 100 }));

  const actAs = async (user: DevUser) => {
    try {
      const { access_token } = await client.call<{ access_token: string }>('auth-tokens.create', {
        requested_token_type: 'urn:devrev:params:oauth:token-type:pat:act-as',
        act_as: user.id,
        token_hint: 'console: act as',
      });
      window.location.hash = '#/chats';
      switchToken(access_token);
    } catch (error) {
      report(error);
    }
  };

  if (refused) return <Refused what="The organization's people are listed for its staff." reason={refused} />;
  return (
    <div class="table-wrap" tabIndex={0}>
      {features.emulator && <p class="muted">Emulator mode: act as any user with one click (an admin token makes a token for them).</p>}
      <table>
        <caption class="visually-hidden">Dev users</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Id</th>
            <th scope="col">State</th>
            {features.emulator && <th scope="col">Act as</th>}
          </tr>
        </thead>
        <tbody>
          {(value?.dev_users ?? []).map((user) => (
            <tr key={user.id}>
              <td>{userName(user)}</td>
              <td>{user.email}</td>
              <td>
                <code class="id">{user.display_id}</code>
              </td>
              <td>{user.state}</td>
              {features.emulator && (
                <td>
                  {user.id === self.id ? (
                    <span class="muted">you</span>
                  ) : (
                    <button type="button" onClick={() => void actAs(user)} aria-label={`Act as ${userName(user)}`}>
                      Act as
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
