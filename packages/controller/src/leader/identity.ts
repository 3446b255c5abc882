/**
 * This replica's leader-election identity: `POD_NAME` (the Deployment sets it from the pod's
 * name), else `<hostname>_<random hex>` (client-go's examples use hostname + "_" + a UUID), so
 * two processes on one host never share an identity.
 */
export function leaderIdentity(
  env: Readonly<Record<string, string | undefined>>,
  host: string,
  randomHex: () => string,
): string {
  const pod = env["POD_NAME"]?.trim();
  if (pod) return pod;
  return `${host}_${randomHex()}`;
}
