/** `faultline plan` and `validate` on a chain file; main.ts asks here first and falls back to the scenario path. */
import { isChainFile, loadChainFile } from './chain-file';
import { renderChainPlan } from './chain-plan';
import type { Output } from './output';

/** Handles the command when `file` is a chain (true), or leaves it to the scenario code (false). */
export function planOrValidateChain(command: 'plan' | 'validate', file: string, out: Output): boolean {
  if (!isChainFile(file)) return false;
  const loaded = loadChainFile(file);
  out.result(command === 'plan' ? renderChainPlan(loaded) : `${file}: valid chain ${loaded.chain.name} (${loaded.checked.length} experiment(s) checked against their stacks)`);
  return true;
}
