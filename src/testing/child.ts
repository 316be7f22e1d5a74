/** The child process of `startConfab({ childProcess: true })`: starts, says where, stops on SIGTERM. */
import { startHere, type StartConfabOptions } from './start.js';

const options = JSON.parse(process.argv[2] ?? '{}') as StartConfabOptions;
try {
  const started = await startHere(options);
  process.stdout.write(`${JSON.stringify({ url: started.url, admin: started.admin })}\n`);
  const stop = async () => {
    await started.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  // The parent going away (a killed test runner) closes stdin: the emulator ends too.
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
  process.exit(2);
}
