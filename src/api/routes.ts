/**
 * Every operation of the HTTP API, once: its function name (as the Functions app registers it), method, route
 * (under the `api` prefix, Functions route syntax) and handler. src/functions registers one HTTP function per
 * entry and `serve` dispatches through the same table, so the two cannot drift.
 */
import {
    cancelMigration,
    getMigration,
    getMigrationErrors,
    getMigrationLog,
    listMigrations,
    startMigration,
} from './migrations.js';
import { createPlan } from './plans.js';
import { deleteSpec, getSpec, listSpecs, putSpec } from './specs.js';
import type { ApiHandler } from './types.js';

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiRoute {
    /** The Functions function name. */
    readonly name: string;
    readonly method: ApiMethod;
    /** Route template without the `api/` prefix, e.g. `migrations/{id}/log`. */
    readonly route: string;
    readonly handler: ApiHandler;
}

export const API_ROUTES: readonly ApiRoute[] = [
    { name: 'startMigration', method: 'POST', route: 'migrations', handler: startMigration },
    { name: 'listMigrations', method: 'GET', route: 'migrations', handler: listMigrations },
    { name: 'getMigration', method: 'GET', route: 'migrations/{id}', handler: getMigration },
    { name: 'getMigrationLog', method: 'GET', route: 'migrations/{id}/log', handler: getMigrationLog },
    { name: 'getMigrationErrors', method: 'GET', route: 'migrations/{id}/errors', handler: getMigrationErrors },
    { name: 'cancelMigration', method: 'POST', route: 'migrations/{id}/cancel', handler: cancelMigration },
    { name: 'createPlan', method: 'POST', route: 'plans', handler: createPlan },
    { name: 'listSpecs', method: 'GET', route: 'specs', handler: listSpecs },
    { name: 'getSpec', method: 'GET', route: 'specs/{name}', handler: getSpec },
    { name: 'putSpec', method: 'PUT', route: 'specs/{name}', handler: putSpec },
    { name: 'deleteSpec', method: 'DELETE', route: 'specs/{name}', handler: deleteSpec },
];
