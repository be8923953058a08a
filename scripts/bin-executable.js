// Sets the executable bit on the built command that package.json's "bin" names. tsc writes its output without it,
// and npm sets it only when it links a bin: npx keeps that link in its cache (~/.npm/_npx) from the first call in
// a folder, so a later build of the same folder is run through the old link and answered "Permission denied".
import { chmodSync, readFileSync } from 'node:fs';

const { bin } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
for (const file of Object.values(bin)) chmodSync(new URL(`../${file}`, import.meta.url), 0o755);
