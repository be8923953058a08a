/** activityparty.participationtypemask of each party list column (activityparty-entity.md). */
export const PARTICIPATION_MASKS: Readonly<Record<string, number>> = {
    from: 1,
    to: 2,
    cc: 3,
    bcc: 4,
    requiredattendees: 5,
    optionalattendees: 6,
    organizer: 7,
    resources: 10,
    customers: 11,
    partners: 11,
};
