#!/usr/bin/env node
// The `dora` command: runs the compiled entry point (npm run build produces dist/).
import '../dist/app/main.js';
