#!/usr/bin/env node
// The command npm links into node_modules/.bin. It is a file of its own, not dist/cli.js itself, because npm links
// bins at install time, before the repository's prepare script has built dist (a missing target gets no link).
import '../dist/cli.js';
