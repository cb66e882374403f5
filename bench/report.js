#!/usr/bin/env node
'use strict';
// Regenerates bench/RESULTS.md from bench/results.json (run.js does this after a full
// run): node bench/report.js [results.json] [RESULTS.md]
const fs = require('fs');
const path = require('path');
const { markdown } = require('./lib/format');

const input = process.argv[2] || path.join(__dirname, 'results.json');
const output = process.argv[3] || path.join(__dirname, 'RESULTS.md');
fs.writeFileSync(output, markdown(JSON.parse(fs.readFileSync(input, 'utf8'))));
console.log(`wrote ${path.relative(process.cwd(), output)}`);
