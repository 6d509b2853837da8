/** `faultline plan CHAIN.yaml`: the chain's steps as a tree, one line per child with what it will do. */
import type { ChainStep } from '../spec/chain';
import { formatDuration } from '../spec/duration';
import { describeFault } from '../spec/faults';
import { planSummary } from '../spec/plan';
import { scenarioType } from '../workflows/chain-children';
import type { LoadedChain } from './chain-file';

export function renderChainPlan(loaded: LoadedChain): string {
  const { chain, files } = loaded;
  let children = 0;
  const lines: string[] = [];
  const walk = (steps: ChainStep[], prefix: string, indent: string) => {
    steps.forEach((s, i) => {
      const path = `${prefix}[${i}]`;
      const id = s.id ? ` (${s.id})` : '';
      if ('serial' in s || 'parallel' in s) {
        const key = 'serial' in s ? 'serial' : 'parallel';
        lines.push(`${indent}${path}${id} ${key}: ${key === 'serial' ? 'one after another' : 'all at once'}`);
        walk('serial' in s ? s.serial : s.parallel, `${path}.${key}`, `${indent}  `);
        return;
      }
      if ('wait' in s) {
        lines.push(`${indent}${path}${id} wait ${formatDuration(s.wait)}`);
        return;
      }
      children++;
      if ('experiment' in s) {
        const from = files[path] ? ` from ${files[path]}` : ' (inline)';
        lines.push(`${indent}${path}${id} experiment${from}: ${planSummary(s.experiment)}`);
        if (!chain.sharedStack) lines.push(`${indent}  stack ${s.experiment.stack ? (s.experiment.stack.compose ?? `attached project ${s.experiment.stack.attach?.project}`) : 'none'}`);
      } else if ('scenario' in s) {
        lines.push(`${indent}${path}${id} scenario ${s.scenario} (workflow type ${scenarioType(s.scenario)})${s.input ? `, input keys ${Object.keys(s.input).join(', ')}` : ''}`);
      } else {
        lines.push(`${indent}${path}${id} fault ${describeFault(s.fault)} for ${formatDuration(s.duration)}`);
      }
    });
  };
  walk(chain.steps, 'steps', '  ');
  const head = [
    `chain ${chain.name}${chain.description ? `: ${chain.description}` : ''}`,
    `  ${children} child workflow(s); ${chain.continueOnFailure ? 'every child runs even when one does not pass' : 'the first child that does not pass stops the chain (running siblings are aborted and restore)'}`,
    chain.sharedStack?.attach
      ? `  shared stack: attached to running compose project ${chain.sharedStack.attach.project}; every child runs on it; never torn down`
      : chain.sharedStack
      ? `  shared stack ${chain.sharedStack.compose}${chain.sharedStack.profiles.length ? ` profiles ${chain.sharedStack.profiles.join(', ')}` : ''}: started once, every child runs on it, torn down at the end${chain.sharedStack.keep ? ' (kept)' : ''}`
      : '  no shared stack: each experiment starts and tears down its own',
    'steps:',
  ];
  return [...head, ...lines].join('\n');
}
