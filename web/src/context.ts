/** What every part of the signed-in console shares. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConfabClient } from '../../src/client/index.js';
import type { EventHub } from './hooks/useEventStream.js';
import type { Self } from './identity.js';
import type { ShownError } from './session.js';

export interface Features {
  /** Emulator mode: `/confab.reset` exists. */
  emulator: boolean;
  /** Switchable faults: `/confab.faults.*` exist. */
  faults: boolean;
  /** Names of every operation the server has (from its OpenAPI document). */
  operations: ReadonlySet<string>;
}

export interface Console {
  client: ConfabClient;
  /** Staff (a dev user) or a customer (a rev user): see identity.ts. */
  self: Self;
  events: EventHub;
  features: Features;
  /** Shows a failed call's DevRev `type` and `message`. */
  report(error: unknown): void;
  /** Continues as someone else (emulator mode's user picker) with their token. */
  switchToken(token: string): void;
  signOut(reason?: string): void;
}

export const ConsoleContext = createContext<Console | undefined>(undefined);

export function useConsole(): Console {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside of a signed-in console');
  return value;
}

export type { ShownError };
