/** MeshService: a destination for traffic, its ports, and the addresses that reach it. */

export const APP_PROTOCOLS = ['grpc', 'http', 'http2', 'tcp'] as const;
export type AppProtocol = (typeof APP_PROTOCOLS)[number];

export interface MeshServicePort {
  readonly name?: string;
  readonly port: number;
  /** A number matches the inbound port; a string matches the inbound name. */
  readonly targetPort?: number | string;
  readonly appProtocol: string;
}

export interface MeshServiceSelector {
  /** 2.x: a Dataplane matches when one of its inbounds carries every listed tag. */
  readonly dataplaneTags?: Record<string, string>;
  readonly dataplaneRef?: { readonly name?: string };
  readonly dataplaneLabels?: { readonly matchLabels?: Record<string, string> };
}

export interface MeshServiceSpec {
  readonly state: 'Available' | 'Unavailable';
  readonly selector?: MeshServiceSelector;
  readonly ports?: readonly MeshServicePort[];
  readonly identities?: readonly { readonly type: 'ServiceTag' | 'SpiffeID'; readonly value: string }[];
}

export interface HostnameGeneratorCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

export interface MeshServiceStatus {
  readonly addresses?: readonly {
    readonly hostname: string;
    readonly origin: string;
    readonly hostnameGeneratorRef: { readonly coreName: string };
  }[];
  readonly vips?: readonly { readonly ip: string }[];
  readonly tls?: { readonly status?: 'Ready' | 'NotReady' };
  readonly hostnameGenerators?: readonly {
    readonly hostnameGeneratorRef: { readonly coreName: string };
    readonly conditions: readonly HostnameGeneratorCondition[];
  }[];
  readonly dataplaneProxies?: { readonly connected?: number; readonly healthy?: number; readonly total?: number };
  readonly conditions?: readonly HostnameGeneratorCondition[];
}

/** The port's section name: its name, or the port number as text when unnamed. */
export function sectionNameOf(port: MeshServicePort): string {
  return port.name ? port.name : String(port.port);
}
