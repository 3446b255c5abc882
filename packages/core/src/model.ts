/**
 * Our own minimal Kubernetes shapes (no @kubernetes/client-node in core). Unknown fields are
 * kept as they came, as the CRD's `x-kubernetes-preserve-unknown-fields` does.
 */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  selfLink?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string | null;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** A core/v1 Secret; `data` values are standard base64 as on the wire. */
export interface Secret {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  immutable?: boolean;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
  [field: string]: unknown;
}

export interface SecretTemplateSpec {
  metadata?: ObjectMeta | null;
  type?: string;
  immutable?: boolean;
  data?: Record<string, string> | null;
}

export type ConditionStatus = "True" | "False" | "Unknown";

export interface SealedSecretCondition {
  type: string;
  status: ConditionStatus;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
  [field: string]: unknown;
}

export interface SealedSecretStatus {
  observedGeneration?: number;
  conditions?: SealedSecretCondition[];
  [field: string]: unknown;
}

export interface SealedSecretSpec {
  template?: SecretTemplateSpec;
  /** Deprecated v1 blob: the whole Secret sealed as one value (standard base64). */
  data?: string;
  encryptedData: Record<string, string>;
}

export interface SealedSecret {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: SealedSecretSpec;
  status?: SealedSecretStatus;
  [field: string]: unknown;
}
