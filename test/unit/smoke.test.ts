import { describe, it, expect } from 'vitest';
describe('harness', () => { it('runs', () => { expect(1 + 1).toBe(2); }); });
