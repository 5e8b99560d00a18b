/**
 * Activity proxies by task queue. Each returns the activities of its queue's worker only
 * (src/activities/queue-activities.ts) and sets the queue itself, so the queue a call goes to and
 * the activities it may name always agree: a relBase activity cannot be called through the database
 * proxy, nor a database activity sent to a store's rate-limited API queue. Timeouts and retries come
 * from the profile passed in (activity-profiles.ts); the queue of a profile is the one set here.
 */
import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import type { DatabaseActivities, JumpsellerActivities, RelbaseActivities } from '../activities/queue-activities.js';
import { databaseProfile, jumpsellerApiProfile, relbaseApiProfile, type DatabaseActivityOptions } from './activity-profiles.js';
import { jumpsellerQueue, relbaseQueue } from './task-queues.js';

export type DatabaseProxy = ActivityInterfaceFor<DatabaseActivities>;
export type JumpsellerProxy = ActivityInterfaceFor<JumpsellerActivities>;
export type RelbaseProxy = ActivityInterfaceFor<RelbaseActivities>;

/** Database activities, on the workflow's own queue (the options name no queue). */
export function databaseActivities(options: DatabaseActivityOptions = databaseProfile): DatabaseProxy {
  return proxyActivities<DatabaseActivities>(options);
}

/** Jumpseller activities, on the store's Jumpseller queue. */
export function jumpsellerActivities(storeCode: string, options: ActivityOptions = jumpsellerApiProfile(storeCode)): JumpsellerProxy {
  return proxyActivities<JumpsellerActivities>({ ...options, taskQueue: jumpsellerQueue(storeCode) });
}

/** relBase activities, on the store's relBase queue. */
export function relbaseActivities(storeCode: string, options: ActivityOptions = relbaseApiProfile(storeCode)): RelbaseProxy {
  return proxyActivities<RelbaseActivities>({ ...options, taskQueue: relbaseQueue(storeCode) });
}
