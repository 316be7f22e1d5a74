import { Type } from '@sinclair/typebox';
import { Id, Timestamp, UserState } from './common.js';

const DisplayName = Type.String({ maxLength: 256 });

export const ServiceAccount = Type.Object({
  id: Type.String(),
  display_id: Type.String(),
  display_name: Type.String(),
  state: UserState,
  created_date: Timestamp,
  modified_date: Timestamp,
});

export const ServiceAccountResponse = Type.Object({ service_account: ServiceAccount });
export const ServiceAccountsCreateRequest = Type.Object({ display_name: DisplayName, gen_keyring: Type.Optional(Type.Boolean()) });
export const ServiceAccountsUpdateRequest = Type.Object({ id: Id, display_name: Type.Optional(DisplayName) });
