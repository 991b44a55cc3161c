/**
 * Vitest globalSetup: one throwaway PostgreSQL cluster for the whole unit run (tests read its URL with
 * `inject('pgUrl')` and give every store a schema of its own); stopped and deleted after the run.
 */
import type { TestProject } from 'vitest/node';
import { startCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startCluster();
  project.provide('pgUrl', cluster.url);
  return () => cluster.stop();
}
