/**
 * The files waiting to go with the next message: each is prepared (`artifacts.prepare`)
 * and uploaded as soon as it is picked, dropped or pasted, so that Send only names them.
 * A file the server refuses (too large, over the quota) leaves the list, and the
 * server's reason is kept to be shown beside the composer.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useConsole } from '../context.js';
import { isPreviewableImage } from '../files.js';
import { describeError } from '../session.js';
import { uploadToSignedLink } from '../upload.js';

export interface PendingFile {
  key: number;
  file: File;
  /** The file's name, or one made up for a pasted picture. */
  name: string;
  /** How much has been sent, 0 to 1. */
  progress: number;
  /** Set once the bytes are stored: the id the message will carry. */
  artifactId?: string;
  /** A blob: URL of the picked image, for its chip. */
  previewUrl?: string;
}

export interface AttachmentProblem {
  key: number;
  fileName: string;
  message: string;
}

/** A pasted screenshot comes as `image.png`; a name with the time tells several apart. */
function named(file: File): string {
  return file.name || `pasted-${new Date().toISOString().replace(/[:.]/g, '-')}.${file.type.split('/')[1] ?? 'bin'}`;
}

let nextKey = 1;

export function useAttachments() {
  const { client } = useConsole();
  const [files, setFiles] = useState<PendingFile[]>([]);
  const [problems, setProblems] = useState<AttachmentProblem[]>([]);
  /** Uploads under way (or about to be), by key: taking a file off cancels its upload. */
  const cancels = useRef(new Map<number, () => void>());

  const update = (key: number, change: Partial<PendingFile>) =>
    setFiles((current) => current.map((pending) => (pending.key === key ? { ...pending, ...change } : pending)));

  const drop = (key: number) =>
    setFiles((current) => {
      const gone = current.find((pending) => pending.key === key);
      if (gone?.previewUrl) URL.revokeObjectURL(gone.previewUrl);
      return current.filter((pending) => pending.key !== key);
    });

  const attachOne = async (file: File) => {
    const key = nextKey++;
    const name = named(file);
    const previewUrl = isPreviewableImage(file.type) ? URL.createObjectURL(file) : undefined;
    setFiles((current) => [...current, { key, file, name, progress: 0, ...(previewUrl && { previewUrl }) }]);
    let cancelled = false;
    cancels.current.set(key, () => (cancelled = true));
    try {
      const prepared = await client.call('artifacts.prepare', { file_name: name, ...(file.type && { file_type: file.type }) });
      if (cancelled) return;
      const upload = uploadToSignedLink(prepared.url, file, (progress) => update(key, { progress }));
      cancels.current.set(key, upload.abort);
      await upload.done;
      update(key, { progress: 1, artifactId: prepared.id });
    } catch (error) {
      if (cancelled || (error instanceof DOMException && error.name === 'AbortError')) return;
      drop(key);
      setProblems((current) => [...current, { key, fileName: name, message: describeError(error).message }]);
    } finally {
      cancels.current.delete(key);
    }
  };

  const add = useCallback(
    (picked: Iterable<File>) => {
      setProblems([]);
      for (const file of picked) void attachOne(file);
    },
    [client],
  );

  const remove = useCallback((key: number) => {
    cancels.current.get(key)?.();
    cancels.current.delete(key);
    drop(key);
  }, []);

  /** After sending: the files now belong to the message. */
  const clear = useCallback(() => {
    setFiles((current) => {
      for (const pending of current) if (pending.previewUrl) URL.revokeObjectURL(pending.previewUrl);
      return [];
    });
    setProblems([]);
  }, []);

  const dismissProblems = useCallback(() => setProblems([]), []);

  // Leaving the chat cancels what is still on its way.
  useEffect(
    () => () => {
      for (const cancel of cancels.current.values()) cancel();
    },
    [],
  );

  const uploading = files.some((pending) => pending.artifactId === undefined);
  const artifactIds = files.flatMap((pending) => (pending.artifactId ? [pending.artifactId] : []));
  return { files, problems, uploading, artifactIds, add, remove, clear, dismissProblems };
}

export type Attachments = ReturnType<typeof useAttachments>;
