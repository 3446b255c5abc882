/**
 * The Go types Kubernetes' tools decode manifests into, described for the decoder in
 * `go-unmarshal.ts`: `k8s.io/api/core/v1.Secret` and `List`, `metav1.ObjectMeta` and friends
 * (k8s.io/apimachinery v0.35.3), and sealed-secrets v0.36.6's `v1alpha1.SealedSecret`. Each type
 * carries the name Go prints for it in errors (`v1.SecretType`, `[]uint8`), fields their JSON
 * names, and embedded structs the Go name encoding/json puts into error paths (`TypeMeta`).
 */
export type GoType =
  | { kind: "string"; name: string }
  | { kind: "bool"; name: "bool" }
  | { kind: "int64"; name: "int64" }
  | { kind: "uint8"; name: "uint8" }
  | { kind: "bytes"; name: "[]uint8" }
  | { kind: "map"; name: string; elem: GoType }
  | { kind: "slice"; name: string; elem: GoType }
  | { kind: "pointer"; name: string; elem: GoType }
  | { kind: "struct"; name: string; typeName: string; fields: GoField[] }
  | {
      kind: "unmarshaler";
      name: string;
      unmarshaler: "time" | "fieldsV1" | "rawExtension" | "encryptedData";
    };

/** A struct field; `embedded` is the embedded struct a promoted field comes from. */
export interface GoField {
  json: string;
  type: GoType;
  embedded?: GoType & { kind: "struct" };
}

const string = (name = "string"): GoType => ({ kind: "string", name });
const bool: GoType = { kind: "bool", name: "bool" };
const int64: GoType = { kind: "int64", name: "int64" };
const bytes: GoType = { kind: "bytes", name: "[]uint8" };
/** The name Go prints for a type (a struct's with its package). */
const printed = (type: GoType): string => (type.kind === "struct" ? type.typeName : type.name);
const pointer = (elem: GoType): GoType => ({ kind: "pointer", name: `*${printed(elem)}`, elem });
const slice = (elem: GoType): GoType => ({ kind: "slice", name: `[]${printed(elem)}`, elem });
const stringMap: GoType = { kind: "map", name: "map[string]string", elem: string() };
const time: GoType = { kind: "unmarshaler", name: "v1.Time", unmarshaler: "time" };

function struct(typeName: string, fields: GoField[]): GoType & { kind: "struct" } {
  return { kind: "struct", name: typeName.slice(typeName.indexOf(".") + 1), typeName, fields };
}

const TYPE_META_STRUCT = struct("v1.TypeMeta", [
  { json: "kind", type: string() },
  { json: "apiVersion", type: string() },
]);

/** TypeMeta's fields as promoted into the structs that embed it. */
const TYPE_META: GoField[] = [
  { json: "kind", type: string(), embedded: TYPE_META_STRUCT },
  { json: "apiVersion", type: string(), embedded: TYPE_META_STRUCT },
];

const OWNER_REFERENCE = struct("v1.OwnerReference", [
  { json: "apiVersion", type: string() },
  { json: "kind", type: string() },
  { json: "name", type: string() },
  { json: "uid", type: string("types.UID") },
  { json: "controller", type: pointer(bool) },
  { json: "blockOwnerDeletion", type: pointer(bool) },
]);

const MANAGED_FIELDS_ENTRY = struct("v1.ManagedFieldsEntry", [
  { json: "manager", type: string() },
  { json: "operation", type: string("v1.ManagedFieldsOperationType") },
  { json: "apiVersion", type: string() },
  { json: "time", type: pointer(time) },
  { json: "fieldsType", type: string() },
  {
    json: "fieldsV1",
    type: pointer({ kind: "unmarshaler", name: "v1.FieldsV1", unmarshaler: "fieldsV1" }),
  },
  { json: "subresource", type: string() },
]);

/** `metav1.ObjectMeta`. */
export const OBJECT_META = struct("v1.ObjectMeta", [
  { json: "name", type: string() },
  { json: "generateName", type: string() },
  { json: "namespace", type: string() },
  { json: "selfLink", type: string() },
  { json: "uid", type: string("types.UID") },
  { json: "resourceVersion", type: string() },
  { json: "generation", type: int64 },
  { json: "creationTimestamp", type: time },
  { json: "deletionTimestamp", type: pointer(time) },
  { json: "deletionGracePeriodSeconds", type: pointer(int64) },
  { json: "labels", type: stringMap },
  { json: "annotations", type: stringMap },
  { json: "ownerReferences", type: slice(OWNER_REFERENCE) },
  { json: "finalizers", type: slice(string()) },
  { json: "managedFields", type: slice(MANAGED_FIELDS_ENTRY) },
]);

/** The JSON names of a struct's fields, in Go's declaration (and so encoding) order. */
function fieldNames(type: GoType): readonly string[] {
  if (type.kind !== "struct") throw new TypeError(`${type.name} is not a struct`);
  return type.fields.map((field) => field.json);
}

/**
 * Field lists of the metadata structs, for code that copies or orders them as Go does (the
 * unsealed Secret's metadata, JSON output order): one description, so they cannot drift apart.
 */
export const OBJECT_META_FIELDS = fieldNames(OBJECT_META);
/** ObjectMeta's fields that hold one value (not a map, slice or nested struct). */
export const OBJECT_META_SCALAR_FIELDS = (OBJECT_META as { fields: GoField[] }).fields
  .filter((field) => field.type.kind !== "map" && field.type.kind !== "slice")
  .map((field) => field.json);
/**
 * ObjectMeta's fields Go's encoder leaves out when empty (all are `omitempty`; a pointer is left
 * out only when nil, and metav1.Time, a struct, never).
 */
export const OBJECT_META_OMIT_EMPTY_FIELDS = (OBJECT_META as { fields: GoField[] }).fields
  .filter((field) => field.type.kind !== "pointer" && field.type.kind !== "unmarshaler")
  .map((field) => field.json);
export const OWNER_REFERENCE_FIELDS = fieldNames(OWNER_REFERENCE);
export const MANAGED_FIELDS_ENTRY_FIELDS = fieldNames(MANAGED_FIELDS_ENTRY);

/** `k8s.io/api/core/v1.Secret`. */
export const SECRET_TYPE = struct("v1.Secret", [
  ...TYPE_META,
  { json: "metadata", type: OBJECT_META },
  { json: "immutable", type: pointer(bool) },
  { json: "data", type: { kind: "map", name: "map[string][]uint8", elem: bytes } },
  { json: "stringData", type: stringMap },
  { json: "type", type: string("v1.SecretType") },
]);

const SEALED_SECRET_CONDITION = struct("v1alpha1.SealedSecretCondition", [
  { json: "type", type: string("v1alpha1.SealedSecretConditionType") },
  { json: "status", type: string("v1.ConditionStatus") },
  { json: "lastUpdateTime", type: time },
  { json: "lastTransitionTime", type: time },
  { json: "reason", type: string() },
  { json: "message", type: string() },
]);

/** sealed-secrets v0.36.6 `v1alpha1.SealedSecret`. */
export const SEALED_SECRET_TYPE = struct("v1alpha1.SealedSecret", [
  ...TYPE_META,
  { json: "metadata", type: OBJECT_META },
  {
    json: "spec",
    type: struct("v1alpha1.SealedSecretSpec", [
      {
        json: "template",
        type: struct("v1alpha1.SecretTemplateSpec", [
          { json: "metadata", type: OBJECT_META },
          { json: "type", type: string("v1.SecretType") },
          { json: "immutable", type: pointer(bool) },
          { json: "data", type: stringMap },
        ]),
      },
      { json: "data", type: bytes },
      {
        json: "encryptedData",
        type: {
          kind: "unmarshaler",
          name: "v1alpha1.SealedSecretEncryptedData",
          unmarshaler: "encryptedData",
        },
      },
    ]),
  },
  {
    json: "status",
    type: pointer(
      struct("v1alpha1.SealedSecretStatus", [
        { json: "observedGeneration", type: int64 },
        { json: "conditions", type: slice(SEALED_SECRET_CONDITION) },
      ]),
    ),
  },
]);

/** `k8s.io/api/core/v1.List`: kubeseal reads key backups as one. */
export const LIST_TYPE = struct("v1.List", [
  ...TYPE_META,
  {
    json: "metadata",
    type: struct("v1.ListMeta", [
      { json: "selfLink", type: string() },
      { json: "resourceVersion", type: string() },
      { json: "continue", type: string() },
      { json: "remainingItemCount", type: pointer(int64) },
    ]),
  },
  {
    json: "items",
    type: slice({ kind: "unmarshaler", name: "runtime.RawExtension", unmarshaler: "rawExtension" }),
  },
]);

/** sealed-secrets v0.36.6 `v1alpha1.SealedSecretList`. */
export const SEALED_SECRET_LIST_TYPE = struct("v1alpha1.SealedSecretList", [
  ...TYPE_META,
  {
    json: "metadata",
    type: struct("v1.ListMeta", [
      { json: "selfLink", type: string() },
      { json: "resourceVersion", type: string() },
      { json: "continue", type: string() },
      { json: "remainingItemCount", type: pointer(int64) },
    ]),
  },
  { json: "items", type: slice(SEALED_SECRET_TYPE) },
]);

const NAMED_EXTENSION = struct("v1.NamedExtension", [
  { json: "name", type: string() },
  {
    json: "extension",
    type: { kind: "unmarshaler", name: "runtime.RawExtension", unmarshaler: "rawExtension" },
  },
]);
const extensions: GoField = { json: "extensions", type: slice(NAMED_EXTENSION) };

/** client-go v0.35.3 `tools/clientcmd/api/v1.Config`: a kubeconfig file. */
export const KUBECONFIG_TYPE = struct("v1.Config", [
  { json: "kind", type: string() },
  { json: "apiVersion", type: string() },
  {
    json: "preferences",
    type: struct("v1.Preferences", [{ json: "colors", type: bool }, extensions]),
  },
  {
    json: "clusters",
    type: slice(
      struct("v1.NamedCluster", [
        { json: "name", type: string() },
        {
          json: "cluster",
          type: struct("v1.Cluster", [
            { json: "server", type: string() },
            { json: "tls-server-name", type: string() },
            { json: "insecure-skip-tls-verify", type: bool },
            { json: "certificate-authority", type: string() },
            { json: "certificate-authority-data", type: bytes },
            { json: "proxy-url", type: string() },
            { json: "disable-compression", type: bool },
            extensions,
          ]),
        },
      ]),
    ),
  },
  {
    json: "users",
    type: slice(
      struct("v1.NamedAuthInfo", [
        { json: "name", type: string() },
        {
          json: "user",
          type: struct("v1.AuthInfo", [
            { json: "client-certificate", type: string() },
            { json: "client-certificate-data", type: bytes },
            { json: "client-key", type: string() },
            { json: "client-key-data", type: bytes },
            { json: "token", type: string() },
            { json: "tokenFile", type: string() },
            { json: "as", type: string() },
            { json: "as-uid", type: string() },
            { json: "as-groups", type: slice(string()) },
            {
              json: "as-user-extra",
              type: { kind: "map", name: "map[string][]string", elem: slice(string()) },
            },
            { json: "username", type: string() },
            { json: "password", type: string() },
            {
              json: "auth-provider",
              type: pointer(
                struct("v1.AuthProviderConfig", [
                  { json: "name", type: string() },
                  { json: "config", type: stringMap },
                ]),
              ),
            },
            {
              json: "exec",
              type: pointer(
                struct("v1.ExecConfig", [
                  { json: "command", type: string() },
                  { json: "args", type: slice(string()) },
                  {
                    json: "env",
                    type: slice(
                      struct("v1.ExecEnvVar", [
                        { json: "name", type: string() },
                        { json: "value", type: string() },
                      ]),
                    ),
                  },
                  { json: "apiVersion", type: string() },
                  { json: "installHint", type: string() },
                  { json: "provideClusterInfo", type: bool },
                  { json: "interactiveMode", type: string("v1.ExecInteractiveMode") },
                ]),
              ),
            },
            extensions,
          ]),
        },
      ]),
    ),
  },
  {
    json: "contexts",
    type: slice(
      struct("v1.NamedContext", [
        { json: "name", type: string() },
        {
          json: "context",
          type: struct("v1.Context", [
            { json: "cluster", type: string() },
            { json: "user", type: string() },
            { json: "namespace", type: string() },
            extensions,
          ]),
        },
      ]),
    ),
  },
  { json: "current-context", type: string() },
  extensions,
]);
