// web-test-runner's mocha globals, declared here so tsc checks browser tests without @types/mocha.
declare function describe(name: string, fn: (this: { timeout(ms: number): void }) => void): void;
declare function it(name: string, fn: (this: { timeout(ms: number): void }) => void | Promise<void>): void;
declare function before(fn: () => void | Promise<void>): void;
declare function after(fn: () => void | Promise<void>): void;
declare function beforeEach(fn: () => void | Promise<void>): void;
declare function afterEach(fn: () => void | Promise<void>): void;
