/** History checks: read the workloads' files of a run and judge one check over them. */
import type { HostPorts } from '../../spec/host-ports';
import { checkerFor } from './registry';
import type { CheckVerdict, HistoryCheckInput } from './checker';
import { type History, historyFile, readHistory } from '../workloads/history';

export type { CheckEvidence, CheckVerdict, HistoryCheckInput, RunWindows } from './checker';
export { CHECKERS } from './registry';

export async function evaluateCheck(artifactsRoot: string, input: HistoryCheckInput, signal?: AbortSignal, hostPorts?: HostPorts): Promise<CheckVerdict> {
  const cache = new Map<string, History>();
  const history = (workload: string): History => {
    let h = cache.get(workload);
    if (!h) {
      h = readHistory(historyFile(artifactsRoot, input.workflowId, workload), workload);
      cache.set(workload, h);
    }
    return h;
  };
  return checkerFor(input.check.kind)(input.check, { history, windows: input.windows, stack: input.stack, hostPorts, signal });
}
