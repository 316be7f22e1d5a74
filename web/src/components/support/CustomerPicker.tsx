/** Staff pick the customer a new conversation is with: the organization's active rev users. */
import { useEffect, useState } from 'preact/hooks';
import { useConsole } from '../../context.js';
import type { ResponseOf } from '../../../../src/client/index.js';

type RevUser = ResponseOf<'rev-users.list'>['rev_users'][number];

export function CustomerPicker({ value, onChange }: { value: string; onChange(id: string): void }) {
  const { client, report } = useConsole();
  const [customers, setCustomers] = useState<RevUser[] | undefined>();
  useEffect(() => {
    client.call('rev-users.list', { limit: 100 }).then(({ rev_users }) => setCustomers(rev_users.filter((user) => user.state === 'active')), report);
  }, [client]);
  return (
    <>
      <label for="new-conversation-customer">Customer</label>
      <select id="new-conversation-customer" value={value} onChange={(event) => onChange(event.currentTarget.value)} required autoFocus>
        <option value="" disabled>
          {customers === undefined ? 'Loading customers…' : customers.length === 0 ? 'No customers yet' : 'Pick a customer'}
        </option>
        {customers?.map((customer) => (
          <option key={customer.id} value={customer.id}>
            {customer.display_name}
            {customer.rev_org?.display_name ? ` · ${customer.rev_org.display_name}` : ''}
            {customer.email ? ` · ${customer.email}` : ''}
          </option>
        ))}
      </select>
    </>
  );
}
