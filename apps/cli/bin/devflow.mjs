#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so the command works in the monorepo without a build.
import { register } from 'tsx/esm/api';

register();
await import('../src/index.ts');
