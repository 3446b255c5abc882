#!/usr/bin/env bash
# The main job: install, build, then seal a Secret offline with a freshly generated key and open it
# again, exactly as a controller would. Needs nothing but Node.js 20 and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  bash scripts/npm-ci.sh
fi
npm run build --silent

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
signet() { node packages/cli/bin/signet.cjs "$@"; }

echo "1. Generate a throw-away sealing key pair, as the controller does at start-up"
node packages/cli/scripts/dev-keypair.mjs "$work/key.pem" "$work/cert.pem"

echo "2. Seal examples/secret.yaml with only the public certificate (safe to commit)"
signet --cert "$work/cert.pem" -f examples/secret.yaml -w "$work/sealed.yaml"
sed -n '1,12p' "$work/sealed.yaml"
echo "   ..."

echo "3. Seal one more value without kubectl, straight from flags"
signet --cert "$work/cert.pem" --name api-token -n shop --from-literal token=example-token-not-real -o yaml |
  grep -E '^(kind|  name|  namespace):'

echo "4. Unseal with the private key (what the controller does in the cluster)"
signet --recovery-unseal --recovery-private-key "$work/key.pem" -f "$work/sealed.yaml" -o yaml >"$work/unsealed.yaml"
grep -A3 '^data:' "$work/unsealed.yaml"

echo "5. A SealedSecret moved to another namespace does not open (strict scope)"
sed 's/namespace: shop/namespace: elsewhere/' "$work/sealed.yaml" >"$work/moved.yaml"
if signet --recovery-unseal --recovery-private-key "$work/key.pem" -f "$work/moved.yaml" 2>"$work/err"; then
  echo "unexpected: the moved SealedSecret opened" >&2
  exit 1
fi
cat "$work/err"

password=$(node -e 'const y=require("fs").readFileSync(process.argv[1],"utf8");const m=/password: (\S+)/.exec(y);process.stdout.write(Buffer.from(m[1],"base64").toString())' "$work/unsealed.yaml")
[ "$password" = "example-password-not-real" ] || { echo "round trip failed" >&2; exit 1; }
echo "OK: sealed, committed-safe, and unsealed back to the original values."
