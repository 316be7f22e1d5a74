/** The "?" sheet: every keyboard shortcut the console has. */
import { SHORTCUTS } from '../hooks/useShortcuts.js';
import { Modal } from './Modal.js';

export function ShortcutsSheet({ onClose }: { onClose(): void }) {
  return (
    <Modal label="Keyboard shortcuts" onClose={onClose}>
      <div class="modal-body">
        <h2>Keyboard shortcuts</h2>
        <table>
          <caption class="visually-hidden">Keyboard shortcuts</caption>
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">Does</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((shortcut) => (
              <tr key={shortcut.does}>
                <td>
                  {shortcut.keys.map((keys, index) => (
                    <>
                      {index > 0 && ' '}
                      <kbd key={keys}>{keys}</kbd>
                    </>
                  ))}
                </td>
                <td>{shortcut.does}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="modal-actions">
          <button type="button" onClick={onClose} autoFocus>
            Close
          </button>
        </div>
      </div>
    </Modal>
  );
}
