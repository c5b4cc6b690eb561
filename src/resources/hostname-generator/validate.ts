/** HostnameGenerator rules (Kuma's, semantics 5.2), with the selector message naming all three. */
import type { ValidationInput } from '../../core/descriptor.js';
import { dns1123SubdomainErrors } from '../../core/dns-names.js';
import { msg, PathBuilder, type Violation, ViolationList } from '../../core/violations.js';
import { labelKeysOf, parseHostnameTemplate, renderHostname } from './template.js';
import { type HostnameGeneratorSpec, SELECTOR_KINDS, type SelectorKey } from './types.js';

/** Kuma names only meshService and meshExternalService here (quirk Q9); we name all three. */
export const SELECTOR_MESSAGE = 'exact one selector (meshService, meshExternalService, meshMultiZoneService) must be defined';

/** The values Kuma renders a template with to check it (every label reads as "label"). */
const STUB = { name: 'name', displayName: 'displayname', namespace: 'namespace', mesh: 'mesh', zone: 'zone' };

export function validateHostnameGenerator(input: ValidationInput<HostnameGeneratorSpec>): Violation[] {
  const out = new ViolationList();
  const spec = PathBuilder.of('spec');
  const selector = input.spec.selector ?? {};
  const set = (Object.keys(SELECTOR_KINDS) as SelectorKey[]).filter((k) => selector[k] !== undefined);
  if (set.length !== 1) out.at(spec.field('selector'), SELECTOR_MESSAGE);
  const templateError = templateErrorOf(input.spec.template ?? '');
  if (templateError) out.at(spec.field('template'), templateError);
  const extension = input.spec.extension;
  if (extension && !extension.type) out.at(spec.field('extension').field('type'), msg.notEmpty);
  return out.items;
}

/** Kuma's three template checks in order: it parses, it renders with stub values, the result is a DNS name. */
export function templateErrorOf(text: string): string | undefined {
  if (text === '') return msg.notEmpty;
  const parsed = parseHostnameTemplate(text);
  if (!parsed.ok) return `couldn't parse template: ${parsed.error}`;
  const labels = Object.fromEntries(labelKeysOf(parsed.template).map((k) => [k, 'label']));
  const rendered = renderHostname(parsed.template, { ...STUB, labels });
  if (!rendered.ok) return `couldn't render template with stub values: ${rendered.error}`;
  const problems = dns1123SubdomainErrors(rendered.hostname);
  if (problems.length > 0) {
    return `template renders to ${JSON.stringify(rendered.hostname)} which is not a valid DNS name: ${problems.join(', ')}`;
  }
  return undefined;
}
