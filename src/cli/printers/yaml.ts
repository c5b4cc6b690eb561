/**
 * `-o yaml`: one item as one YAML document; a list as documents separated by `---`, so the
 * output of `meshplane get ... -o yaml` can be given back to `meshplane apply -f`.
 */
import { stringify } from 'yaml';

export function printYamlItem(item: unknown): string {
  return stringify(item, { lineWidth: 0 });
}

export function printYamlList(items: readonly unknown[]): string {
  return items.map(printYamlItem).join('---\n');
}
