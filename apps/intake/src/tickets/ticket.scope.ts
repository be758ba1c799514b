import { ForbiddenError, inManagerScope, managerScope, type Principal } from '@jsjb/platform';
import type { TicketQuery } from './ticket.dto';

/**
 * A search narrowed to what the caller may see: a manager only the tickets of their district,
 * street or department (as lead unit); asking for an area outside it is refused with the field.
 * Other roles search city-wide, as the 12345 center does.
 */
export function scopedTicketQuery(principal: Principal, query: TicketQuery): TicketQuery {
  if (principal.role !== 'manager') return query;
  const scope = managerScope(principal);
  switch (scope.kind) {
    case 'city':
      return query;
    case 'district':
      if (query.districtCode !== undefined && query.districtCode !== scope.districtCode) {
        throw outOfScope('districtCode', `only ${scope.districtCode}`);
      }
      return { ...query, districtCode: scope.districtCode };
    case 'street':
      if (query.streetCode !== undefined && query.streetCode !== scope.streetCode) {
        throw outOfScope('streetCode', `only ${scope.streetCode}`);
      }
      return { ...query, streetCode: scope.streetCode };
    case 'unit':
      return { ...query, leadUnitId: scope.unitId };
  }
}

/** Whether the caller may see one ticket (managers: within their scope). */
export function maySeeTicket(
  principal: Principal,
  ticket: { districtCode: string | null; streetCode: string | null; leadUnitId: string | null },
): boolean {
  return inManagerScope(principal, {
    districtCode: ticket.districtCode,
    streetCode: ticket.streetCode,
    unitIds: ticket.leadUnitId === null ? [] : [ticket.leadUnitId],
  });
}

function outOfScope(field: string, message: string): ForbiddenError {
  return new ForbiddenError('SCOPE.OUT_OF_SCOPE', 'The area asked for is outside your scope.', [
    { field, code: 'out_of_scope', message },
  ]);
}
