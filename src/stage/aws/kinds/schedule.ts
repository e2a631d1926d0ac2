/** `schedule` on an AWS stage: an EventBridge rule; the data commands have nothing to read or write in it. */
import type { Schedule } from '../../../model/schedule.js';
import type { KindAws } from '../kind.js';

export const scheduleAws: KindAws<Schedule> = { objects: null, send: null, messages: null, redrive: null, items: null, depth: null, invoke: null, executions: null, subscriptions: null };
