/**
 * What `npm run bench` prints: one human line per figure, or (`--json`) one JSON object with the headline
 * figures of issue 7 at the top (`ceilingRatio`, `speedupVsNaive`, `rssGrowth`, `replayShare`, ...) and every
 * part's details below them.
 */
import type { ContentCase } from './content.js';
import type { BulkPartFigures, LoadFigures } from './foundation.js';
import { requestsSent } from '../src/run/outcomes.js';
import { fmt, round } from './format.js';
import { BENCH_LIMITS } from './limits.js';
import type { IdentityScalingFigures } from './identity-scaling.js';
import type { MigrationFigures } from './migration.js';
import type { MeasuredMigration } from './measure-migration.js';
import type { ReplayFigures } from './replay.js';

export interface MachineFigures {
    node: string;
    cpus: number;
    /** 1-minute load average when the bench started and ended: other work on the machine skews every rate. */
    loadAverage: { start: number; end: number };
}

export interface BenchResults {
    machine: MachineFigures;
    load?: LoadFigures[];
    bulk?: BulkPartFigures;
    migration?: MigrationFigures;
    migrationTimeScale?: number;
    content?: ContentCase[];
    identities?: IdentityScalingFigures;
    replay?: ReplayFigures;
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** Naive steps with fewer writes than this are too short to show a rate. */
const MIN_STEP_REQUESTS = 50;

export function loadLines(f: LoadFigures): string[] {
    return [
        `simulator load   ${fmt(f.rows).padStart(9)} rows  ${fmt(f.loadMs).padStart(6)} ms  ${fmt(f.heapBytesPerRow).padStart(5)} bytes heap/row`,
        `key walk         ${fmt(f.keyWalk.keys).padStart(9)} keys  ${fmt(f.keyWalk.ms).padStart(6)} ms  ${fmt(f.keyWalk.keysPerSecond).padStart(9)} keys/s, ${f.keyWalk.pages} pages`,
    ];
}

export function bulkLines(f: BulkPartFigures): string[] {
    const lines = [
        `writes under limits: window ${BENCH_LIMITS.windowSeconds} s, ${BENCH_LIMITS.maxRequestsPerWindow} requests, ${BENCH_LIMITS.maxExecutionMsPerWindow / 1000} s execution per window, time scale ${f.timeScale}`,
        `naive row-by-row ${fmt(f.naiveRowsPerSecond).padStart(7)} rows/s  (one request per row, one at a time)`,
    ];
    for (const b of f.bulk) {
        lines.push(
            `bulk upsert B=${String(b.batchSize).padEnd(4)} ${fmt(b.rowsPerSecond).padStart(7)} rows/s  ceiling ${fmt(b.ceilingRowsPerSecond).padStart(7)} (${b.bindingLimit})  achieved/ceiling ${fmt(b.achievedOverCeiling, 2)}  429s ${b.throttled}  failed ${b.failed}`,
        );
    }
    return lines;
}

function sizeLine(label: string, m: MeasuredMigration): string {
    return `${label.padEnd(18)} ${fmt(m.rows).padStart(7)} rows  ${fmt(m.seconds, 1).padStart(6)} s  ${fmt(m.rowsPerSecond).padStart(6)} rows/s  shortest ${fmt(m.ceiling.shortestSeconds, 1)} s (${m.target.shortest.binding})  ceiling ratio ${fmt(m.ceiling.ratio, 2)}  429s ${m.target.throttled}  peak RSS ${fmt(mb(m.report.maxRssBytes))} MB  verify identical`;
}

export function migrationLines(f: MigrationFigures, timeScale: number): string[] {
    const t = f.timeline;
    const phases = Object.entries(t.phases)
        .map(([phase, s]) => `${phase} ${fmt(s, 1)} s`)
        .join(', ');
    const main = f.main.report;
    const small = f.small;
    return [
        `migration (crm, demo spec; simulators and the migration each in their own process)`,
        sizeLine(`under limits x${timeScale}`, f.main),
        sizeLine(`a tenth of it`, small),
        `  time with pages running ${fmt(t.pageSeconds, 1)} s (${phases}); none running ${fmt(t.idleSeconds, 1)} s, of which key walks listing pages ${fmt(t.listingSeconds, 1)} s`,
        `  target: ${fmt(f.main.target.admitted)} requests, ${fmt(f.main.target.executionMs / 1000)} s modeled server time; source: ${fmt(f.main.source.admitted)} requests, ${fmt(f.main.source.executionMs / 1000)} s`,
        `  target requests in flight (client side): mean ${fmt(main.targetRequests.meanInFlight, 1)}, queued ${fmt(main.targetRequests.meanQueued, 1)}, limit ${fmt(main.targetRequests.meanLimit, 1)}, peak ${main.targetRequests.peakInFlight}`,
        `  local host: ${main.host.episodes} episodes, ${main.host.replays} replays, ${fmt(main.host.replayMs)} ms replaying of ${fmt(main.host.wallMs / 1000, 1)} s: replay share ${fmt(f.replayShare * 100, 2)} %`,
        `naive DynamicsWebApi ${fmt(f.naive.rows)} rows + ${fmt(f.naive.associations)} associations, ${fmt(f.naive.requests)} writes one at a time: ${fmt(f.naive.seconds, 1)} s, ${fmt(f.naive.rowsPerSecond, 1)} rows/s (server time ${fmt(f.naive.serverTimeShare * 100)} % of it), row counts identical`,
        `  writes/s per step (steady rate): ${f.naive.steps
            .filter((st) => st.requests >= MIN_STEP_REQUESTS)
            .map((st) => `${st.step} ${fmt(st.requests / st.seconds, 1)}`)
            .join(', ')}`,
        `  migration vs naive: ${fmt(f.speedupVsNaive, 1)}x the rows/s`,
        `  peak RSS at 10x the rows: ${fmt(f.rssGrowth, 2)}x (peak heap ${fmt(mb(main.peakHeapUsedBytes))} vs ${fmt(mb(small.report.peakHeapUsedBytes))} MB)`,
    ];
}

function migrationJson(m: MeasuredMigration) {
    const r = m.report;
    const cost = (c: MeasuredMigration['target']) => ({
        requests: c.requests,
        admitted: c.admitted,
        throttled: c.throttled,
        executionSeconds: round(c.executionMs / 1000, 1),
        shortestSeconds: round(c.shortest.seconds, 2),
        binding: c.shortest.binding,
        sustainedSeconds: round(c.shortest.sustainedSeconds, 2),
    });
    return {
        rows: m.rows,
        seconds: round(m.seconds, 2),
        rowsPerSecond: round(m.rowsPerSecond, 1),
        shortestSeconds: round(m.ceiling.shortestSeconds, 2),
        ceilingRatio: round(m.ceiling.ratio, 3),
        rowWritesPerRow: round(m.rowWritesPerRow, 3),
        peakRssMb: round(mb(r.maxRssBytes), 1),
        peakHeapMb: round(mb(r.peakHeapUsedBytes), 1),
        cpuSeconds: round(r.cpuMs / 1000, 1),
        targetRequests: {
            meanInFlight: round(r.targetRequests.meanInFlight, 2),
            meanQueued: round(r.targetRequests.meanQueued, 2),
            meanLimit: round(r.targetRequests.meanLimit, 2),
            peakInFlight: r.targetRequests.peakInFlight,
        },
        target: cost(m.target),
        source: cost(m.source),
        host: {
            episodes: r.host.episodes,
            replays: r.host.replays,
            replayMs: round(r.host.replayMs, 1),
            replayedEvents: r.host.replayedEvents,
            activitiesRun: r.host.activitiesRun,
            peakConcurrentActivities: r.host.peakConcurrentActivities,
            journalMs: round(r.host.journalMs, 1),
        },
        identical: m.verify.identical,
    };
}

export function toJson(results: BenchResults): Record<string, unknown> {
    const m = results.migration;
    const headline = m
        ? {
              ceilingRatio: round(m.main.ceiling.ratio, 3),
              rowWritesPerRow: round(m.main.rowWritesPerRow, 3),
              speedupVsNaive: round(m.speedupVsNaive, 2),
              rssGrowth: round(m.rssGrowth, 3),
              replayShare: round(m.replayShare, 5),
              rowsPerSecond: round(m.main.rowsPerSecond, 1),
              // Requests the run sent to both environments per source row (its summary counts them).
              requestsPerRow: round(requestsSent(m.main.report.summary.requests) / m.main.rows, 3),
              naiveRowsPerSecond: round(m.naive.rowsPerSecond, 2),
              peakRssMb: round(mb(m.main.report.maxRssBytes), 1),
          }
        : {};
    return {
        ...headline,
        ...(results.identities ? { identityScaling: results.identities.scaling } : {}),
        machine: results.machine,
        ...(results.identities ? { identities: results.identities } : {}),
        ...(results.load ? { load: results.load } : {}),
        ...(results.bulk ? { bulk: results.bulk } : {}),
        ...(results.content ? { content: results.content } : {}),
        ...(results.replay ? replayJson(results.replay) : {}),
        ...(m
            ? {
                  migration: {
                      limits: BENCH_LIMITS,
                      timeScale: results.migrationTimeScale,
                      main: migrationJson(m.main),
                      timeline: {
                          seconds: round(m.timeline.seconds, 2),
                          pageSeconds: round(m.timeline.pageSeconds, 2),
                          idleSeconds: round(m.timeline.idleSeconds, 2),
                          listingSeconds: round(m.timeline.listingSeconds, 2),
                          phases: Object.fromEntries(
                              Object.entries(m.timeline.phases).map(([k, v]) => [k, round(v, 2)]),
                          ),
                      },
                      small: migrationJson(m.small),
                      naive: {
                          rows: m.naive.rows,
                          associations: m.naive.associations,
                          requests: m.naive.requests,
                          seconds: round(m.naive.seconds, 2),
                          rowsPerSecond: round(m.naive.rowsPerSecond, 2),
                          serverTimeShare: round(m.naive.serverTimeShare, 3),
                          steps: m.naive.steps.map((st) => ({
                              step: st.step,
                              requests: st.requests,
                              seconds: round(st.seconds, 2),
                          })),
                      },
                  },
              }
            : {}),
    };
}

/** One line per content case: files, size, MB/s and the memory peaks above the start. */
export function contentLines(cases: readonly ContentCase[]): string[] {
    return cases.map(
        (c) =>
            `content ${fmt(c.files)} x ${fmt(mb(c.fileBytes))} MB  ${fmt(c.seconds, 1)} s  ${fmt(c.mbPerSecond, 1)} MB/s  peak RSS +${fmt(mb(c.peakRssGrowthBytes))} MB  peak arrayBuffers +${fmt(mb(c.peakArrayBuffersBytes))} MB`,
    );
}

/** One line per replayed table size: bounded histories, then the unbounded comparison. */
export function replayLines(f: ReplayFigures): string[] {
    const line = (label: string, c: ReplayFigures['bounded'][number]) =>
        `replay ${label.padEnd(9)} ${fmt(c.pages).padStart(7)} pages  ${fmt(c.orchestrations).padStart(4)} orchestrations  ${fmt(c.episodes).padStart(6)} episodes  ${fmt(c.eventsPerPage, 1).padStart(6)} events/page  largest replay ${fmt(c.largestReplay)}  ${fmt(c.microsecondsPerPage).padStart(5)} µs/page`;
    return [
        ...f.bounded.map((c) => line('bounded', c)),
        ...f.unbounded.map((c) => line('unbounded', c)),
        `  replay cost per page at 100k pages over 1k: ${fmt(f.replayCostRatio, 2)}x events (${fmt(f.replayTimeRatio, 2)}x time)`,
    ];
}

function replayJson(f: ReplayFigures) {
    const cases = (list: ReplayFigures['bounded']) =>
        list.map((c) => ({
            ...c,
            replayMs: round(c.replayMs, 1),
            eventsPerPage: round(c.eventsPerPage, 2),
            microsecondsPerPage: round(c.microsecondsPerPage, 1),
        }));
    return {
        replayCostPerPage: Object.fromEntries(Object.entries(f.replayCostPerPage).map(([k, v]) => [k, round(v, 1)])),
        replayCostRatio: round(f.replayCostRatio, 3),
        replay: {
            timeRatio: round(f.replayTimeRatio, 3),
            bounded: cases(f.bounded),
            unbounded: cases(f.unbounded),
        },
    };
}
