/**
 * Every backend failed to build the same model: the setup is wrong, not the browser. Its own
 * module, so the session (session.ts) can tell it apart without loading the backends.
 */
export class SetupError extends Error {}
