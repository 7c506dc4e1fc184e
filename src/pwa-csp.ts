/**
 * Runs zod without its JIT, so it never tries `new Function` under the page's
 * Content-Security-Policy (vite.config.ts: no 'unsafe-eval'). Zod 4 compiles object parsers with
 * `new Function` when it can, and probes whether it can with a `new Function('')` in a try/catch
 * the first time an object schema is built: the throw is caught, but the browser still reports
 * a `securitypolicyviolation` (a warning on the page). Import this module before any module that
 * builds a schema: first in src/main.tsx, and first in the training worker. Parsing without the
 * JIT is slower per object, which nothing here notices (configs and corpus files, not streams).
 */
import { z } from 'zod';

z.config({ jitless: true });
