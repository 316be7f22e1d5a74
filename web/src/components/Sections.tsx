/**
 * The console's sections and who gets which: staff have Chats, Support and Inspect; a
 * customer (a rev user) has Support alone — their conversations with the organization.
 */
import type { Route } from '../hooks/useRoute.js';
import { isCustomer, type Self } from '../identity.js';

const STAFF_SECTIONS = [
  ['chats', 'Chats'],
  ['support', 'Support'],
  ['inspect', 'Inspect'],
] as const;
const CUSTOMER_SECTIONS = [['support', 'Support']] as const;

/** The links of the `Sections` navigation. */
export function SectionLinks({ self, route }: { self: Self; route: Route }) {
  const customer = isCustomer(self);
  return (
    <>
      {(customer ? CUSTOMER_SECTIONS : STAFF_SECTIONS).map(([section, name]) => (
        <a key={section} href={`#/${section}`} aria-current={route.section === section || customer ? 'page' : undefined}>
          {name}
        </a>
      ))}
    </>
  );
}
