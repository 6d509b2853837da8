/**
 * Bundled into the workflow code by replay-same.test.ts only: reports, through a sink that also
 * runs during replay, every command's inputs (activity, timer, child workflow) with the search
 * attributes in force when it was issued, and the workflow's result.
 */
import {
  type ActivityInput,
  type Next,
  type Sinks,
  type StartChildWorkflowExecutionInput,
  type TimerInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
  proxySinks,
  workflowInfo,
} from '@temporalio/workflow';

export interface CaptureSinks extends Sinks {
  capture: { event(json: string): void };
}

const { capture } = proxySinks<CaptureSinks>();
const attrs = (): unknown => workflowInfo().searchAttributes;
const emit = (e: Record<string, unknown>): void => capture.event(JSON.stringify({ ...e, attrs: attrs() }));

class Outbound implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): ReturnType<typeof next> {
    emit({ kind: 'activity', type: input.activityType, args: input.args, summary: input.options.summary });
    return next(input);
  }
  startTimer(input: TimerInput, next: Next<WorkflowOutboundCallsInterceptor, 'startTimer'>): ReturnType<typeof next> {
    emit({ kind: 'timer', ms: input.durationMs });
    return next(input);
  }
  startChildWorkflowExecution(input: StartChildWorkflowExecutionInput, next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>): ReturnType<typeof next> {
    emit({ kind: 'child', type: input.workflowType, id: input.options.workflowId, args: input.options.args, summary: input.options.staticSummary });
    return next(input);
  }
}

class Inbound implements WorkflowInboundCallsInterceptor {
  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      const r = await next(input);
      emit({ kind: 'result', value: r });
      return r;
    } catch (err) {
      emit({ kind: 'failed', message: (err as Error).message });
      throw err;
    }
  }
}

export const interceptors = (): WorkflowInterceptors => ({ inbound: [new Inbound()], outbound: [new Outbound()] });
