/**
 * Entry point: the refresh tick, a Durable client timer on the schedule of app setting REFRESH_TICK_SCHEDULE
 * (every minute by default), which starts the stored specs whose own schedule is due.
 */
import * as df from 'durable-functions';
import { apiDeps } from './runtime/app-services.js';
import { durableRunsPort } from '../host/durable-runs.js';
import { handleRefreshTick } from './runtime/timer-adapter.js';

export const REFRESH_FUNCTION = 'refreshSchedules';

df.app.client.timer(REFRESH_FUNCTION, {
    schedule: '%REFRESH_TICK_SCHEDULE%',
    handler: async (timer, client, context) => {
        await handleRefreshTick(timer, context, apiDeps(durableRunsPort(client)));
    },
});
