// The staff discussion of a proposal (issue 15): plain limits shared by the form and the model.
// Who may read and post is the access policy's "discuss" capability (app/domain/access.ts).

/** The longest comment, in characters. */
export const MAX_COMMENT = 4000;
