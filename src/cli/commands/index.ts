/**
 * Every CLI command, one registration function each.
 */
import type { Command } from 'commander';
import { registerRun } from './run.js';
import { registerDev } from './dev.js';
import { registerData } from './data.js';
import { registerNodes } from './nodes.js';
import { registerDlq } from './dlq.js';
import { registerSynth } from './synth.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerRun, registerDev, registerData, registerNodes, registerDlq, registerSynth];
