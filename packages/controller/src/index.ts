/** The controller package; see issue "The controller" for what lands here. */
export const CONTROLLER_NAME = "signet-controller";
