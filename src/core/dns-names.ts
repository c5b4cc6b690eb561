/**
 * DNS name rules in the wording Kuma (and Kubernetes before it) uses, so that users who know
 * Kuma's errors recognise ours. Each function returns the list of problems, empty when valid.
 */

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kuma's universal resource-name alphabet. */
const RESOURCE_NAME = /^[0-9a-z]([0-9a-z._-]*[0-9a-z])?$/;

export const MAX_LABEL_LENGTH = 63;
export const MAX_SUBDOMAIN_LENGTH = 253;

export const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
export const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** A name that becomes a DNS label (MeshService, MeshMultiZoneService): RFC 1035, at most 63. */
export function dns1035LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > MAX_LABEL_LENGTH) {
    errors.push(`must be no more than ${MAX_LABEL_LENGTH} characters (the name is used as a DNS label)`);
  }
  if (!DNS1035_LABEL.test(value)) errors.push(DNS1035_MESSAGE);
  return errors;
}

export function dns1123LabelErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > MAX_LABEL_LENGTH) errors.push(`must be no more than ${MAX_LABEL_LENGTH} characters`);
  if (!DNS1123_LABEL.test(value)) errors.push(DNS1123_LABEL_MESSAGE);
  return errors;
}

export function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > MAX_SUBDOMAIN_LENGTH) errors.push(`must be no more than ${MAX_SUBDOMAIN_LENGTH} characters`);
  if (!DNS1123_SUBDOMAIN.test(value)) errors.push(DNS1123_SUBDOMAIN_MESSAGE);
  return errors;
}

export function isDns1035Label(value: string): boolean {
  return dns1035LabelErrors(value).length === 0;
}

export function isDns1123Subdomain(value: string): boolean {
  return dns1123SubdomainErrors(value).length === 0;
}

/** Every resource name, whatever its kind: Kuma's universal alphabet, at most 253 characters. */
export function resourceNameErrors(value: string): string[] {
  if (value === '') return ['must be defined'];
  const errors: string[] = [];
  if (value.length > MAX_SUBDOMAIN_LENGTH) errors.push(`must be no more than ${MAX_SUBDOMAIN_LENGTH} characters`);
  if (!RESOURCE_NAME.test(value)) {
    errors.push(
      "invalid characters: must consist of lower case alphanumeric characters, '-', '.' and '_', and start and end with an alphanumeric character",
    );
  }
  return errors;
}
