// The benchmarks' in-browser scripts (probes, samplers, baseline pages) are TypeScript files
// bundled at run time into one IIFE each, for the Chromium the benchmarks drive.
import { build } from 'esbuild';

export function bundle(entry: string, minify = false): Promise<string> {
  return build({ entryPoints: [entry], bundle: true, write: false, format: 'iife', platform: 'browser', target: 'chrome110', minify, logLevel: 'silent' }).then(
    (r) => r.outputFiles[0]!.text,
  );
}
