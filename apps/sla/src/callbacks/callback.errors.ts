import { AppError, AuthError, ConflictError, NotFoundError } from '@jsjb/platform';

/** The errors of 回访 and rating links, with their stable codes. */
export const callbackErrors = {
  notFound: (id: string) => new NotFoundError('CALLBACK.NOT_FOUND', `No callback task ${id}.`),
  closed: (status: string) =>
    new ConflictError('CALLBACK.CLOSED', `The callback is already closed (${status}); its answer stands.`),
  claimedByOther: () =>
    new ConflictError('CALLBACK.CLAIMED_BY_OTHER', 'Another callback agent has claimed this callback.'),
  linkInvalid: () =>
    new AuthError('RATING.LINK_INVALID', 'The rating link is not valid (malformed or tampered with).'),
  linkExpired: () =>
    new AppError('RATING.LINK_EXPIRED', 'The rating link has expired.', { status: 410, title: 'Gone' }),
  linkUnknown: () => new NotFoundError('RATING.NOT_FOUND', 'Nothing is to be rated through this link.'),
  alreadyRated: () =>
    new ConflictError('RATING.ALREADY_ANSWERED', 'This callback has already been answered; thank you.'),
};
