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
import { registerDeploy } from './deploy.js';
import { registerDiff } from './diff.js';
import { registerDestroy } from './destroy.js';
import { registerStatus } from './status.js';
import { registerLogs } from './logs.js';
import { registerLineage } from './lineage.js';
import { registerWorker } from './worker.js';
import { registerInvoke } from './invoke.js';
import { registerInit } from './init.js';
import { registerTrigger } from './trigger.js';
import { registerImport } from './import.js';
import { registerCost } from './cost.js';
import { registerRoute } from './route.js';
import { registerTable } from './table.js';
import { registerBranch } from './branch.js';
import { registerPlot } from './plot.js';
import { registerConsole } from './console.js';
import { registerOutbox } from './outbox.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerRun, registerDev, registerData, registerNodes, registerDlq, registerSynth, registerDeploy, registerDiff, registerDestroy, registerStatus, registerLogs, registerLineage, registerWorker, registerInvoke, registerInit, registerTrigger, registerImport, registerCost, registerRoute, registerTable, registerBranch, registerPlot, registerConsole, registerOutbox];
