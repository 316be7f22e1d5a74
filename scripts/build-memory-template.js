// The build's step after tsc: dist/memory-template.sqlite, the migrated empty database an
// in-memory one starts from (src/store/memory-template.ts).
import { writeMemoryTemplate } from '../dist/store/memory-template.js';

await writeMemoryTemplate();
