#!/usr/bin/env node
// Entry point for `evolve`: runs the TypeScript CLI through tsx so no build step is needed.
// The project's own tsconfig is named explicitly: commands run from a workspace elsewhere on disk.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('./main.ts');
