/**
 * The deployment a request asks to go back to (a symbol key never reaches an upstream's JSON
 * body): a continued Responses conversation returns to the deployment that answered it, so the
 * upstream's prompt cache stays warm. The router honours it while that deployment is still a
 * capable member of the group.
 */
export const PREFERRED_DEPLOYMENT = Symbol('inference.preferredDeployment');
