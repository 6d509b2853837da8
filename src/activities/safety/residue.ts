/**
 * The run-level part of the residue scan: any Faultline helper still labelled with the run after
 * its restore phase (a reverter whose fault was never restored, a lease never released, any other
 * helper) is residue, and makes the run dirty.
 */
import type Docker from 'dockerode';
import { describeHelper, listHelpers } from './helpers';

export async function helperResidue(docker: Docker, run: string): Promise<string[]> {
  return (await listHelpers(docker, { run })).map(describeHelper);
}
