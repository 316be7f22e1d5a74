/** What a person sees instead of a form they may not use: who can, what to do, and the server's word. */
export function Refused({ what, reason }: { what: string; reason: string }) {
  return (
    <div class="refused" role="note">
      <p>
        <strong>{what}</strong> Ask one of them, or sign in with an admin's token.
      </p>
      <p class="muted">Confab says: {reason}</p>
    </div>
  );
}
