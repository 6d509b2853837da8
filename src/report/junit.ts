/**
 * JUnit XML so CI systems show an experiment like a test suite: steady state, each fault's restore,
 * each check and the residue scan are test cases.
 */
import type { Journal } from './journal';

const esc = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Case {
  name: string;
  failure?: string;
}

export function toJUnit(j: Journal): string {
  const cases: Case[] = [];
  for (const s of j.steadyState) cases.push({ name: `steady state: ${s.label}`, failure: s.sample.ok ? undefined : s.sample.error ?? 'deviated' });
  for (const f of j.faults) {
    const ok = f.restore === 'restored' || f.restore === 'already-clean' || f.restore === 'gone';
    cases.push({ name: `restore ${f.faultId} (${f.description})`, failure: ok ? undefined : f.error ?? `restore ${f.restore ?? 'not run'}` });
  }
  for (const c of j.checks) cases.push({ name: `check ${c.id} (${c.kind})`, failure: c.passed ? undefined : c.detail });
  cases.push({ name: 'residue scan', failure: j.residue.length ? j.residue.join('; ') : undefined });
  const failures = cases.filter((c) => c.failure).length;
  const seconds = j.finishedAt ? ((j.finishedAt - j.startedAt) / 1000).toFixed(3) : '0';
  const body = cases
    .map((c) => `    <testcase classname="${esc(j.experiment)}" name="${esc(c.name)}">${c.failure ? `<failure message="${esc(c.failure)}"/>` : ''}</testcase>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="faultline" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="${esc(j.experiment)}" tests="${cases.length}" failures="${failures}" time="${seconds}">`,
    `    <properties><property name="outcome" value="${j.outcome}"/><property name="workflowId" value="${esc(j.workflowId)}"/></properties>`,
    body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
