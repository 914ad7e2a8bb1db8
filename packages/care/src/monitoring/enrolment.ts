/** Enrolment in a virtual ward: placeholder, filled in next. */
import type { Repository } from '@kindred/store';
import type { DischargeInput, Enrolment, EnrolmentInput, MonitoringPlan, VirtualWard } from './monitoring-api.ts';

export async function enrolInVirtualWard(_repository: Repository, _input: EnrolmentInput): Promise<Enrolment> {
  throw new Error('not yet');
}

export async function dischargeFromVirtualWard(_repository: Repository, _input: DischargeInput): Promise<Enrolment> {
  throw new Error('not yet');
}

export async function findVirtualWards(_repository: Repository, _organizationId?: string): Promise<VirtualWard[]> {
  throw new Error('not yet');
}

export async function activeMonitoringPlan(_repository: Repository, _patientId: string): Promise<MonitoringPlan | undefined> {
  throw new Error('not yet');
}
