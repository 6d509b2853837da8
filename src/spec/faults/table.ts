/**
 * The fault table of docs/faults.md, generated from the kind declarations: one row per kind with
 * what it breaks, its keys, its target, its residue, how it is undone, whether it has a dead-man switch and what it needs
 * from the host. `npm run docs` writes it between the markers; a unit test fails when it is stale.
 */
import { FAULT_DECLARATION_LIST } from './index';

/** The begin marker is found by this prefix and written out whole, so an older wording is replaced. */
const BEGIN_PREFIX = '<!-- fault-table:begin';
export const FAULT_TABLE_BEGIN = `${BEGIN_PREFIX}: generated from the kind declarations in src/spec/faults by \`npm run docs\`; do not edit -->`;
export const FAULT_TABLE_END = '<!-- fault-table:end -->';

const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function faultTable(): string {
  const rows = FAULT_DECLARATION_LIST.map((d) => {
    const target = d.docs.target ?? (d.target.on === 'host' ? "the worker's host (no `target`)" : 'the containers `target` selects');
    const deadMan = d.capabilities.selfRevert ? 'yes' : 'no';
    const keys = d.docs.keys ?? 'see its section below';
    const residue = d.docs.residue ?? 'see its section below';
    return `| \`${d.kind}\` | ${[d.docs.breaks, keys, target, d.docs.undoneBy, residue, deadMan, d.docs.host].map(cell).join(' | ')} |`;
  });
  return [
    '| kind | breaks | keys | target | undone by | residue if not undone | dead-man switch | needs from the host |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** `markdown` with the text between the markers replaced by the current table. */
export function withFaultTable(markdown: string): string {
  const begin = markdown.indexOf(BEGIN_PREFIX);
  const end = markdown.indexOf(FAULT_TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`the fault table markers are missing: ${FAULT_TABLE_BEGIN} ... ${FAULT_TABLE_END}`);
  return `${markdown.slice(0, begin)}${FAULT_TABLE_BEGIN}\n${faultTable()}\n${markdown.slice(end)}`;
}
