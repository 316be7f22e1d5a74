/**
 * Files dragged onto an area: while they hover it says so (`dragging`), and dropped they
 * go to `onFiles`. Only drags that carry files count, so text dragged within the page
 * behaves as usual.
 */
import { useRef, useState } from 'preact/hooks';

function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

export function useFileDrop(onFiles: (files: File[]) => void) {
  const [dragging, setDragging] = useState(false);
  // dragenter and dragleave fire for every child crossed: count them to know when the area is left.
  const depth = useRef(0);
  const handlers = {
    onDragEnter(event: DragEvent) {
      if (!carriesFiles(event)) return;
      depth.current++;
      setDragging(true);
    },
    onDragOver(event: DragEvent) {
      if (!carriesFiles(event)) return;
      // Without this the browser opens the file instead of letting it be dropped here.
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave(event: DragEvent) {
      if (!carriesFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop(event: DragEvent) {
      const files = [...(event.dataTransfer?.files ?? [])];
      depth.current = 0;
      setDragging(false);
      if (files.length === 0) return;
      event.preventDefault();
      onFiles(files);
    },
  };
  return { dragging, handlers };
}
