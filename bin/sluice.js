#!/usr/bin/env node
// The sluice CLI. Pipelines and handlers are TypeScript loaded with no build step: tsx's loader is
// registered before anything else is imported.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
