import { type TicketReceivedV1 } from '@jsjb/contracts';
import { type CoarseLocation, type TerritoryIndex } from '../territory/territory-index.domain';
import { type DispatchLocation } from './dispatch.domain';

type ReceivedLocation = TicketReceivedV1['location'];

/** Confidence given to area codes sent by intake: explicit, but not checked against the ground like a point. */
const CODES_CONFIDENCE = 0.9;

/**
 * 定位 — where a ticket is, best source first: coordinates (the grid containing the point), else the
 * area codes intake sent, else the names in the address. Nothing usable → resolved level 'none'.
 */
export function locateTicket(index: TerritoryIndex, location: ReceivedLocation): DispatchLocation {
  if (location.lng !== null && location.lat !== null) {
    const found = index.locate(location.lng, location.lat);
    if (found) {
      return {
        districtCode: found.district.code,
        streetCode: found.street.code,
        communityCode: found.community.code,
        gridCode: found.grid.code,
        resolvedLevel: 'grid',
        confidence: 1,
      };
    }
  }
  if (location.districtCode !== null || location.streetCode !== null || location.communityCode !== null) {
    const found = index.locateByCodes({
      ...(location.districtCode !== null && { districtCode: location.districtCode }),
      ...(location.streetCode !== null && { streetCode: location.streetCode }),
      ...(location.communityCode !== null && { communityCode: location.communityCode }),
    });
    if (found) {
      return fromCoarse(found, CODES_CONFIDENCE);
    }
  }
  if (location.address !== null) {
    const found = index.locateByAddress(location.address);
    if (found) {
      return fromCoarse(found, found.confidence);
    }
  }
  return { resolvedLevel: 'none', confidence: 0 };
}

/** A location resolved to a district, street or community (from codes or an address). */
function fromCoarse(found: CoarseLocation, confidence: number): DispatchLocation {
  return {
    districtCode: found.district.code,
    streetCode: found.street?.code,
    communityCode: found.community?.code,
    resolvedLevel: found.level,
    confidence,
  };
}
