/** The `plan` and `import-cmt` commands as command modules (their work is in plan.ts and import-cmt.ts). */
import { z } from 'zod';
import { defineCommand } from '../command.js';
import { importCmtCommand } from './import-cmt.js';
import { planCommand } from './plan.js';

export const planModule = defineCommand({
    name: 'plan',
    define: (command) =>
        command
            .description('validate a spec against both environments and print the tiered plan; writes nothing')
            .requiredOption('-s, --spec <file>', 'migration spec file (JSON)')
            .option('--json', 'print JSON instead of human output')
            .option('--exact', 'count rows and pages exactly by walking every primary key (slow on large tables)'),
    options: z.object({ spec: z.string(), json: z.boolean().optional(), exact: z.boolean().optional() }),
    run: (opts, { io }) => planCommand(opts, io),
});

export const importCmtModule = defineCommand({
    name: 'import-cmt',
    define: (command) =>
        command
            .description('turn a Configuration Migration Tool data_schema.xml into a migration spec')
            .argument('<schemaXml>', 'CMT schema file (data_schema.xml)')
            .requiredOption('--source <url>', 'source environment URL')
            .requiredOption('--target <url>', 'target environment URL')
            .option('--name <name>', 'spec name (default: the schema file name)')
            .option('-o, --out <file>', 'write the spec here instead of stdout')
            .option('--force', 'overwrite --out if it exists')
            .option('--json', 'print JSON instead of human output'),
    options: z.object({
        source: z.string(),
        target: z.string(),
        name: z.string().optional(),
        out: z.string().optional(),
        force: z.boolean().optional(),
        json: z.boolean().optional(),
    }),
    run: (opts, { io, args }) => importCmtCommand(args[0] ?? '', opts, io),
});
