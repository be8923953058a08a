/**
 * What the Functions app's triggers and activities share in one worker process, built on first use (not at load:
 * the host loads every entry point to index it, with or without settings): the run store and the spec store from
 * the MIGRATION_LOG_STORAGE settings, the Dataverse clients per environment pair, and the activity table.
 */
import { createActivities, type ActivityTable } from '../../activities/index.js';
import { createConnector, type ApiDeps } from '../../api/index.js';
import type { EnvironmentClients } from '../../environments/index.js';
import type { RunsPort } from '../../host/runs-port.js';
import { createRunStoreFromSettings } from '../../runlog/index.js';
import type { RunStore } from '../../runlog/types.js';
import type { MigrationSpec } from '../../spec/index.js';
import { createSpecStoreFromSettings, type SpecStore } from '../../specstore/index.js';

export interface AppServices {
    store: RunStore;
    specs: SpecStore;
    connect: (spec: MigrationSpec) => EnvironmentClients;
    activities: ActivityTable;
}

const USER_AGENT = 'dataverse-migrate-functions';

let services: AppServices | undefined;

export function appServices(env: NodeJS.ProcessEnv = process.env): AppServices {
    if (!services) {
        const store = createRunStoreFromSettings(env);
        const connect = createConnector(env, USER_AGENT);
        services = {
            store,
            specs: createSpecStoreFromSettings(env),
            connect,
            activities: createActivities({ store, connect }),
        };
    }
    return services;
}

/** The API's dependencies for one invocation: the process's stores over the invocation's runs port. */
export function apiDeps(runs: RunsPort, env: NodeJS.ProcessEnv = process.env): ApiDeps {
    const { store, specs, connect } = appServices(env);
    return { runs, store, specs, connect, env, now: () => new Date() };
}
