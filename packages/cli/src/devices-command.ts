/**
 * `lastmile devices`: every backend the project knows (the built-ins and installed third-party ones),
 * whether it is installed and loads, and what its probe() found. A simulator is shown as SIMULATED and an
 * emulation as EMULATED, so nobody mistakes simulated timings for the device's.
 */
import { type PackageSearch, type ProbeResult, isLastmileError, resolveBackend, searchRoots } from '@lastmile/core';
import { type CommandContext, packageSearch } from './context.js';
import { toJson } from './json-output.js';
import { type KnownBackend, knownBackends } from './installed-backends.js';
import { oneLine } from './text.js';

/** How long a probe may take before it is reported as hung (a native driver can block). */
export const PROBE_TIMEOUT_MS = 10_000;

/** One row of `lastmile devices`. */
export interface DeviceReport {
  backend: string;
  package: string;
  builtin: boolean;
  installed: boolean;
  version?: string;
  /** `available`, `unavailable` (loaded, device absent), `not-installed`, or `broken` (did not load or probe). */
  status: 'available' | 'unavailable' | 'not-installed' | 'broken';
  kind?: ProbeResult['kind'];
  /** True when the numbers come from a simulator or an emulation, not the device. */
  simulated?: boolean;
  device?: string;
  reason?: string;
  details?: Record<string, unknown>;
}

/** The --json result of `lastmile devices`. */
export interface DevicesResult {
  projectRoot: string;
  backends: DeviceReport[];
}

export async function devicesCommand(ctx: CommandContext): Promise<void> {
  const search = packageSearch(ctx);
  const backends: DeviceReport[] = [];
  for (const known of knownBackends(search)) backends.push(await deviceReport(known, search));
  const result: DevicesResult = { projectRoot: searchRoots(search)[0], backends };
  ctx.out(ctx.json ? toJson(result) : formatDevices(result));
}

async function deviceReport(known: KnownBackend, search: PackageSearch): Promise<DeviceReport> {
  const row: DeviceReport = {
    backend: known.spec,
    package: known.packageName,
    builtin: known.builtin,
    installed: known.installed !== undefined,
    status: 'not-installed',
  };
  if (known.installed === undefined) return row;
  row.version = known.installed.version;
  try {
    const backend = await resolveBackend(known.spec, search);
    const probe = await withTimeout(
      Promise.resolve(backend.probe()),
      PROBE_TIMEOUT_MS,
      `probe() did not answer within ${PROBE_TIMEOUT_MS} ms`,
    );
    row.status = probe.available === true ? 'available' : 'unavailable';
    row.kind = probe.kind;
    row.simulated = probe.kind === 'simulator' || probe.kind === 'emulated';
    row.device = probe.device;
    if (probe.reason !== undefined) row.reason = probe.reason;
    if (probe.details !== undefined) row.details = probe.details;
  } catch (error) {
    row.status = 'broken';
    row.reason = `${isLastmileError(error) ? `${error.code}: ` : ''}${error instanceof Error ? error.message : String(error)}`;
  }
  return row;
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

const KIND_LABEL: Readonly<Record<ProbeResult['kind'], string>> = {
  hardware: 'hardware',
  simulator: 'SIMULATED',
  emulated: 'EMULATED',
  software: 'software',
};

function formatDevices(r: DevicesResult): string {
  const width = Math.max(8, ...r.backends.map((b) => b.backend.length));
  const lines = [
    `project root: ${r.projectRoot}`,
    '',
    `${'backend'.padEnd(width)}  ${'status'.padEnd(13)}  ${'kind'.padEnd(9)}  device`,
  ];
  for (const b of r.backends) {
    const kind = b.kind === undefined ? '-' : (KIND_LABEL[b.kind] ?? b.kind);
    const what =
      b.status === 'not-installed'
        ? `not installed: add it with npm install ${b.package}`
        : [b.device, b.reason]
            .filter((s) => s !== undefined && s !== '')
            .map((s) => oneLine(String(s)))
            .join(': ');
    lines.push(`${b.backend.padEnd(width)}  ${b.status.padEnd(13)}  ${kind.padEnd(9)}  ${what}`);
  }
  return lines.join('\n');
}
