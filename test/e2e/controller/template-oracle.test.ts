// The template decryption oracle (docs/templates.md): a user with exactly SealedSecret
// get/create/update rights in a namespace, and no access to Secrets, copies a namespace-wide
// ciphertext into SealedSecrets whose templates fail only when a guess is right. By default
// (sealed values are opaque to template control flow) the controller's status, events and logs
// are the same whether the guess is right or wrong, and never list template keys. With
// --allow-data-dependent-templates the Synced bit answers, but no text derived from a value
// appears anywhere.
import { randomBytes } from "node:crypto";

import type { GeneratedKey, SealedSecret } from "@signet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "../../cluster/api.js";
import { api, cluster, createNamespace, deleteNamespace } from "../../cluster/testing.js";
import {
  createKeySecret,
  createSealedSecret,
  deleteSealedSecrets,
  events,
  getSecret,
  seal,
  startLocalController,
  testKey,
  unb64,
  waitSecret,
  waitSynced,
} from "./support.js";
import type { LocalController } from "./support.js";

const NAMESPACE_WIDE = "sealedsecrets.bitnami.com/namespace-wide";
const ANONYMOUS = "spec.template.data";

const PASSWORD = `pw-${randomBytes(6).toString("hex")}`;
const WRONG = `pw-${randomBytes(6).toString("hex")}`;
const PIN = "73914";

/** Every form a value could leak in. */
const forms = (v: string): string[] => [
  v,
  Buffer.from(v).toString("base64"),
  Buffer.from(v).toString("base64").replace(/=+$/, ""),
  Buffer.from(v).toString("hex"),
  JSON.stringify(v),
];

interface Attack {
  /** Templates that fail (or grow, or break the Secret's JSON) only when the guess is right. */
  templates: (guess: string) => Record<string, string>;
  type?: string;
}

const DOCKER = "kubernetes.io/dockerconfigjson";

const ATTACKS: Readonly<Record<string, Attack>> = {
  "if-eq-fail": {
    templates: (g) => ({ t: `{{ if eq .password "${g}" }}{{ fail "x" }}{{ end }}` }),
  },
  "runtime-error": { templates: (g) => ({ t: `{{ div 1 (len (replace "${g}" "" .password)) }}` }) },
  "oversized-secret": {
    templates: (g) => ({ t: `{{ replace "${g}" (repeat 1048576 "x") .password }}` }),
  },
  "one-key-per-character": {
    templates: (g) =>
      Object.fromEntries(
        [...new Set([...`${g}abcdef0123456789-`])].map((c, i) => [
          `probe-${i}-${c.charCodeAt(0)}`,
          `{{ if eq (substr 0 1 .password) "${c}" }}{{ fail "x" }}{{ end }}`,
        ]),
      ),
  },
  "suffix-through-json-validation": {
    type: DOCKER,
    templates: (g) => ({
      ".dockerconfigjson": `{"a":"{{ trimSuffix (printf "%s\\"}" "${g.slice(-3)}") (printf "%s\\"}" .password) }}`,
    }),
  },
  "character-through-json-validation": {
    type: DOCKER,
    templates: (g) => ({
      ".dockerconfigjson": `{"a":{{ printf "%.1s" (printf "%s" .password) }}w-","g":"${g.slice(0, 2)}"}`,
    }),
  },
  "budget-boundary": {
    templates: (g) => ({
      t: `{{ repeat ${1048576 - 80 - g.length} "x" }}{{ urlquery .password }}`,
    }),
  },
};

let ctlNs: string;
let ns: string;
let key: GeneratedKey;
/** The team's real ciphertext (guess right) and one the attacker sealed for WRONG (guess wrong). */
let realCiphertext: string;
let wrongCiphertext: string;
const user = (): string => cluster().userName;

/** The attacker's requests: the unprivileged e2e user, granted only what the attack assumes. */
const asAttacker = (path: string, req: Parameters<typeof api>[1] = {}) =>
  api(path, { ...req, as: "user" });
const ssPath = (namespace: string, name = ""): string =>
  `/apis/bitnami.com/v1alpha1/namespaces/${namespace}/sealedsecrets${name ? `/${name}` : ""}`;

async function grantSealedSecretWriter(namespace: string): Promise<void> {
  const rbac = "/apis/rbac.authorization.k8s.io/v1/namespaces";
  const role = await api(`${rbac}/${namespace}/roles`, {
    method: "POST",
    body: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "sealedsecret-writer" },
      rules: [
        {
          apiGroups: ["bitnami.com"],
          resources: ["sealedsecrets"],
          verbs: ["get", "create", "update"],
        },
      ],
    },
  });
  expect(role.status).toBe(201);
  const binding = await api(`${rbac}/${namespace}/rolebindings`, {
    method: "POST",
    body: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "sealedsecret-writer" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "sealedsecret-writer" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user() }],
    },
  });
  expect(binding.status).toBe(201);
}

/** Creates or updates the attacker's object; returns the generation to wait for. */
async function probe(name: string, attack: Attack, ciphertext: string): Promise<number> {
  const spec = {
    encryptedData: { password: ciphertext },
    template: { ...(attack.type && { type: attack.type }), data: attack.templates(PASSWORD) },
  };
  const current = await asAttacker(ssPath(ns, name));
  if (current.status === 404) {
    const res = await asAttacker(ssPath(ns), {
      method: "POST",
      body: {
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: { name, namespace: ns, annotations: { [NAMESPACE_WIDE]: "true" } },
        spec,
      },
    });
    expect(res.status).toBe(201);
    return (res.json as SealedSecret).metadata.generation ?? 1;
  }
  const ss = current.json as SealedSecret;
  const res = await asAttacker(ssPath(ns, name), { method: "PUT", body: { ...ss, spec } });
  expect(res.status).toBe(200);
  return (res.json as SealedSecret).metadata.generation ?? 0;
}

/** Waits for the controller to report on `generation`; returns the status without times. */
async function reported(name: string, generation: number): Promise<string> {
  const ss = await waitFor(
    `SealedSecret ${ns}/${name} reported at generation ${generation}`,
    async () => {
      const res = await api(ssPath(ns, name));
      const got = res.json as SealedSecret;
      const synced = got.status?.conditions?.some((c) => c.type === "Synced");
      return got.status?.observedGeneration === generation && synced ? got : undefined;
    },
    30_000,
    100,
  );
  const conditions = (ss.status?.conditions ?? []).map(
    ({ lastTransitionTime: _t, lastUpdateTime: _u, ...rest }) => rest,
  );
  return JSON.stringify({ ...ss.status, conditions, observedGeneration: undefined });
}

/** The templates with a comment naming the generation (a new spec bumps it). */
function withGeneration(
  templates: Record<string, string>,
  generation: number,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(templates).map(([k, v]) => [k, `{{/* ${generation} */}}${v}`]),
  );
}

/** Distinct (reason, message) of the events about `object`, its name replaced. */
async function eventTexts(object: string): Promise<string[]> {
  const texts = (await events(ns, object)).map((e) => `${e.reason}: ${e.message}`);
  return [...new Set(texts.map((t) => t.replaceAll(object, "OBJECT")))].sort();
}

/** Log lines about `object`, without its name, times, counters and generations. */
function logLines(ctl: LocalController, object: string): string[] {
  const mentions = new RegExp(`\\b${object}\\b`);
  return [
    ...new Set(
      ctl
        .log()
        .split("\n")
        .filter((l) => mentions.test(l))
        .map((l) => l.replaceAll(object, "OBJECT").replace(/\d+(\.\d+)?/g, "#")),
    ),
  ].sort();
}

beforeAll(async () => {
  ctlNs = await createNamespace("oracle-ctl");
  ns = await createNamespace("oracle-team");
  key = await testKey();
  await createKeySecret(ctlNs, key);
  await grantSealedSecretWriter(ns);
  // The team's real secret, sealed namespace-wide (any object of the namespace may use it).
  const db = seal(key, {
    namespace: ns,
    name: "db",
    data: { password: PASSWORD, pin: PIN },
    annotations: { [NAMESPACE_WIDE]: "true" },
  });
  await createSealedSecret(db);
  // What the attacker works with: the team's ciphertext (read with `get sealedsecrets`) and one
  // sealed for a value of the same length with the public certificate.
  const read = (await asAttacker(ssPath(ns, "db"))).json as SealedSecret;
  realCiphertext = String(read.spec.encryptedData["password"]);
  const other = seal(key, {
    namespace: ns,
    name: "other",
    data: { password: WRONG },
    annotations: { [NAMESPACE_WIDE]: "true" },
  });
  wrongCiphertext = String(other.spec.encryptedData["password"]);
});

afterAll(async () => {
  await deleteSealedSecrets([ns, ctlNs].filter(Boolean));
  await Promise.all([ctlNs, ns].filter(Boolean).map((n) => deleteNamespace(n)));
});

describe("the attacker's rights", () => {
  it("may get, create and update SealedSecrets, and may not read Secrets", async () => {
    expect((await asAttacker(ssPath(ns, "db"))).status).toBe(200);
    expect((await asAttacker(`/api/v1/namespaces/${ns}/secrets/db`)).status).toBe(403);
    expect((await asAttacker(`/api/v1/namespaces/${ns}/secrets`)).status).toBe(403);
    expect((await asAttacker(`/api/v1/namespaces/${ns}/events`)).status).toBe(403);
    expect(realCiphertext.length).toBe(wrongCiphertext.length);
  });
});

describe("by default, sealed values are opaque to template control flow", () => {
  let ctl: LocalController;

  beforeAll(async () => {
    ctl = await startLocalController(ctlNs, [`--additional-namespaces=${ns}`]);
    await waitSynced(ns, "db", "True");
  });

  afterAll(async () => {
    await ctl?.proc.stop();
  });

  it("still renders templates that only carry values into the Secret", async () => {
    const legit: Attack = {
      templates: () => ({
        "config.json": '{"password": {{ toJson .password }}}',
        auth: '{{ printf "admin:%s" .password | b64enc }}',
      }),
    };
    const gen = await probe("legit", legit, realCiphertext);
    expect(gen).toBe(1);
    await waitSynced(ns, "legit", "True");
    const secret = await waitSecret(ns, "legit", "rendered");
    expect(unb64(secret.data?.["config.json"])).toBe(`{"password": "${PASSWORD}"}`);
    expect(unb64(secret.data?.["auth"])).toBe(Buffer.from(`admin:${PASSWORD}`).toString("base64"));
  });

  it.each(Object.keys(ATTACKS))(
    "answers %s the same whether the guess is right or wrong",
    async (name) => {
      const attack = ATTACKS[name]!;
      // Two objects, the same templates (guessing PASSWORD), generation after generation: one
      // holds the team's ciphertext (the guess is right), the other WRONG's (the guess is wrong).
      const right = `${name}-r`;
      const wrong = `${name}-w`;
      for (let generation = 1; generation <= 2; generation++) {
        const again = { templates: (g: string) => withGeneration(attack.templates(g), generation) };
        const variant = { ...attack, ...again };
        expect(await probe(right, variant, realCiphertext)).toBe(generation);
        expect(await probe(wrong, variant, wrongCiphertext)).toBe(generation);
        const [r, w] = [await reported(right, generation), await reported(wrong, generation)];
        expect(r).toBe(w);
        expect(r).toContain('"status":"False"');
        expect(r).toContain(`template: ${ANONYMOUS}`);
        for (const k of Object.keys(attack.templates(PASSWORD))) {
          if (k !== "t") expect(r).not.toContain(k);
        }
      }
      const same = async (read: (object: string) => Promise<string[]> | string[]) =>
        JSON.stringify(await read(right)) === JSON.stringify(await read(wrong)) ? true : undefined;
      await waitFor(`${name}: the same events for both`, () => same(eventTexts), 10_000, 200);
      await waitFor(
        `${name}: the same log lines for both`,
        () => same((o) => logLines(ctl, o)),
        10_000,
        200,
      );
      expect(await getSecret(ns, right)).toBeUndefined();
    },
  );

  it("charges a value at its public bound: a padded output fails the same for every value", async () => {
    const statuses = new Set<string>();
    for (const filler of [0, 1, 2]) {
      const padded: Attack = {
        templates: () => ({
          t: `{{ repeat ${1048576 - 80 - filler} "x" }}{{ .password | urlquery }}`,
        }),
      };
      for (const ciphertext of [realCiphertext, wrongCiphertext]) {
        const gen = await probe(`padded-${filler}`, padded, ciphertext);
        statuses.add(await reported(`padded-${filler}`, gen));
      }
    }
    expect(statuses.size).toBe(1);
    expect([...statuses][0]).toContain("output budget");
  });
});

describe("with --allow-data-dependent-templates, no value-derived text appears anywhere", () => {
  let ctl: LocalController;
  const seen: string[] = [];

  beforeAll(async () => {
    ctl = await startLocalController(ctlNs, [
      `--additional-namespaces=${ns}`,
      "--allow-data-dependent-templates",
    ]);
  });

  afterAll(async () => {
    await ctl?.proc.stop();
  });

  it.each<[string, Attack]>([
    ["if-eq-fail", ATTACKS["if-eq-fail"]!],
    ["one-key-per-character", ATTACKS["one-key-per-character"]!],
    [
      "a failure quoting the value",
      { templates: () => ({ t: '{{ fail (printf "leak %s" .password) }}' }) },
    ],
    [
      "a runtime error on the value",
      { templates: () => ({ t: "{{ .password | atoi | div 1 }}" }) },
    ],
    [
      "a type error on the value",
      { templates: () => ({ t: '{{ (fromJson (printf "%q" .password)).x }}' }) },
    ],
  ])("%s: one withheld message, no key names, no value", async (name, attack) => {
    const object = `allowed-${name.replace(/[^a-z]+/g, "-")}`;
    const generation = await probe(object, attack, realCiphertext);
    const status = await reported(object, generation);
    seen.push(status, ...(await eventTexts(object)));
    expect(status).toContain('"status":"False"');
    expect(status).toContain("details withheld");
    for (const k of Object.keys(attack.templates(PASSWORD))) {
      if (k !== "t") expect(status).not.toContain(k);
    }
  });

  it("answers a guess with Synced alone (the documented bit)", async () => {
    const attack = ATTACKS["if-eq-fail"]!;
    const wrong = await reported(
      "allowed-bit",
      await probe("allowed-bit", attack, wrongCiphertext),
    );
    const right = await reported("allowed-bit", await probe("allowed-bit", attack, realCiphertext));
    seen.push(wrong, right);
    expect(wrong).toContain('"status":"True"');
    expect(right).toContain('"status":"False"');
  });

  it("never shows the value in statuses, events or logs", async () => {
    const all = [...seen, JSON.stringify(await events(ns)), ctl.log()].join("\n");
    for (const form of [...forms(PASSWORD), ...forms(WRONG), ...forms(PIN).slice(1)]) {
      expect(all).not.toContain(form);
    }
  });
});
