/** The payment API as a separate process (`npm run api`'s entry under tsx), as it runs in production. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr, for failure messages. */
  stderr: () => string;
  stop(): Promise<void>;
}

export function startApiProcess(args: string[]): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`API process did not start within 30 s: ${err}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`API process exited (${code}) before listening: ${err}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const msg = JSON.parse(line) as { msg?: string; url?: string };
        if (msg.msg === 'listening' && msg.url) {
          clearTimeout(timer);
          resolve({ url: msg.url, child, stderr: () => err, stop });
        }
      } catch {
        /* not a log line of ours */
      }
    });
  });
}
