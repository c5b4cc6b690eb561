/** MeshHTTPRoute: how HTTP requests to a destination are matched, changed and split (Kuma 2.x). */
import type { BackendRef, TargetRef } from '../shared/target-ref.js';
import type { HeaderMatch } from '../shared/header-match.js';

export const PATH_MATCH_TYPES = ['Exact', 'PathPrefix', 'RegularExpression'] as const;
export const QUERY_MATCH_TYPES = ['Exact', 'RegularExpression'] as const;
export const HTTP_METHODS = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'] as const;
export const FILTER_TYPES = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite', 'RequestMirror'] as const;
export const REDIRECT_STATUS_CODES = [301, 302, 303, 307, 308] as const;

export interface PathMatch {
  readonly type: (typeof PATH_MATCH_TYPES)[number];
  readonly value: string;
}

export interface QueryParamsMatch {
  readonly type: (typeof QUERY_MATCH_TYPES)[number];
  readonly name: string;
  readonly value?: string;
}

export interface HttpMatch {
  readonly path?: PathMatch;
  readonly method?: (typeof HTTP_METHODS)[number];
  readonly queryParams?: readonly QueryParamsMatch[];
  readonly headers?: readonly HeaderMatch[];
}

export interface HeaderModifier {
  readonly set?: readonly { readonly name: string; readonly value: string }[];
  readonly add?: readonly { readonly name: string; readonly value: string }[];
  readonly remove?: readonly string[];
}

export interface PathRewrite {
  readonly type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  readonly replaceFullPath?: string;
  readonly replacePrefixMatch?: string;
}

export interface RequestRedirect {
  readonly scheme?: 'http' | 'https';
  readonly hostname?: string;
  readonly path?: PathRewrite;
  readonly port?: number;
  readonly statusCode: number;
}

export interface UrlRewrite {
  readonly hostname?: string;
  readonly path?: PathRewrite;
  readonly hostToBackendHostname?: boolean;
}

export interface RequestMirror {
  readonly percentage?: number | string;
  readonly backendRef?: BackendRef;
}

export interface HttpFilter {
  readonly type: (typeof FILTER_TYPES)[number];
  readonly requestHeaderModifier?: HeaderModifier;
  readonly responseHeaderModifier?: HeaderModifier;
  readonly requestRedirect?: RequestRedirect;
  readonly urlRewrite?: UrlRewrite;
  readonly requestMirror?: RequestMirror;
}

export interface HttpRule {
  readonly matches?: readonly HttpMatch[];
  readonly default?: { readonly filters?: readonly HttpFilter[]; readonly backendRefs?: readonly BackendRef[] };
}

export interface HttpRouteTo {
  readonly targetRef?: TargetRef;
  readonly hostnames?: readonly string[];
  readonly rules?: readonly HttpRule[];
}

export interface MeshHttpRouteSpec {
  /** Omitted means `{kind: Mesh}`. */
  readonly targetRef?: TargetRef;
  readonly to?: readonly HttpRouteTo[];
}
