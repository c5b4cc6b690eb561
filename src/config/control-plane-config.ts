/**
 * The compiled configuration of `meshplane run`: every field present and checked. It is built once
 * at start-up (flags and MESHPLANE_* variables -> defaults -> compile) and never changes after.
 */
import type { ControlPlaneMode } from '../core/admission.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const MODES: readonly ControlPlaneMode[] = ['zone', 'global'];

export interface ControlPlaneConfig {
  /** `memory`, `sqlite:PATH` or a `postgres://` URL; `openStore` turns it into a store. */
  readonly store: string;
  readonly mode: ControlPlaneMode;
  /** This control plane's zone (zone mode; a global control plane keeps the default and ignores it). */
  readonly zone: string;
  /** Where a zone control plane reaches its global one; null for a standalone zone or a global. */
  readonly globalKdsAddress: string | null;
  /**
   * This zone's proxies reach other zones' Dataplanes directly (one flat network): the zone
   * publishes its MeshServices' endpoints and uses other flat zones' endpoints instead of their
   * ZoneIngress. Zone mode only.
   */
  readonly flatNetwork: boolean;
  readonly apiHost: string;
  /** 0 means "let the kernel pick a free port"; the bound port is reported in the ready line. */
  readonly apiPort: number;
  readonly xdsHost: string;
  readonly xdsPort: number;
  /**
   * Largest serialized xDS response sent as one message: delta updates are split under it; a
   * state-of-the-world response over it is still sent (it must be whole), counted and logged.
   */
  readonly xdsMaxResponseBytes: number;
  readonly dnsHost: string;
  readonly dnsPort: number;
  readonly kdsHost: string;
  /** Only a global control plane listens for zones. */
  readonly kdsPort: number;
  readonly apiBodyLimitBytes: number;
  /** How long a generated MeshService outlives its last Dataplane. */
  readonly meshServiceDeletionGracePeriodMs: number;
  /** VIP ranges: MeshService, MeshMultiZoneService, and legacy `kuma.io/service` VIPs. */
  readonly meshServiceCidr: string;
  readonly meshMultiZoneServiceCidr: string;
  readonly legacyVipCidr: string;
  /** How long a released VIP stays unused before another resource may get it. */
  readonly vipHoldPeriodMs: number;
  readonly dnsTtlSeconds: number;
  readonly readyFile: string | null;
  readonly logLevel: LogLevel;
}

/** The config as `GET /config` shows it: the same fields, with a store password replaced by `***`. */
export function configForDisplay(config: ControlPlaneConfig): Record<string, unknown> {
  return { ...config, store: config.store.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@/]*@/, '$1***@') };
}
