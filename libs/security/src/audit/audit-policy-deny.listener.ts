import { Injectable } from '@nestjs/common';
import { PolicyDenyListener, type PolicyDenyEvent } from '../policy/policy-deny.listener';
import { AuditService } from './audit.service';

/** Every policy deny goes to the audit log (batched: never on the request path). */
@Injectable()
export class AuditPolicyDenyListener extends PolicyDenyListener {
  constructor(private readonly audit: AuditService) {
    super();
  }

  onDeny(event: PolicyDenyEvent): void {
    this.audit.recordPolicyDeny({ ...event, rule: event.rule ?? 'default_action' });
  }
}
