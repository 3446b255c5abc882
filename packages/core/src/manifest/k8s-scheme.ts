/**
 * The kinds of the scheme kubeseal v0.36.6 decodes with (client-go v0.35.3's
 * `kubernetes/scheme` plus sealed-secrets' v1alpha1 types), by group/version: generated from
 * `scheme.Scheme.AllKnownTypes()`. Each kind's Go type is `<version>.<Kind>`; every group/version
 * also has the metav1 option types below (Go type `v1.<Kind>`).
 */
export const SCHEME_OPTION_KINDS: readonly string[] = [
  "CreateOptions",
  "DeleteOptions",
  "GetOptions",
  "ListOptions",
  "PatchOptions",
  "UpdateOptions",
  "WatchEvent",
];

export const SCHEME_KINDS: Readonly<Record<string, string>> = {
  "admissionregistration.k8s.io/v1":
    "MutatingWebhookConfiguration MutatingWebhookConfigurationList ValidatingAdmissionPolicy ValidatingAdmissionPolicyBinding ValidatingAdmissionPolicyBindingList ValidatingAdmissionPolicyList ValidatingWebhookConfiguration ValidatingWebhookConfigurationList",
  "admissionregistration.k8s.io/v1alpha1":
    "MutatingAdmissionPolicy MutatingAdmissionPolicyBinding MutatingAdmissionPolicyBindingList MutatingAdmissionPolicyList ValidatingAdmissionPolicy ValidatingAdmissionPolicyBinding ValidatingAdmissionPolicyBindingList ValidatingAdmissionPolicyList",
  "admissionregistration.k8s.io/v1beta1":
    "MutatingAdmissionPolicy MutatingAdmissionPolicyBinding MutatingAdmissionPolicyBindingList MutatingAdmissionPolicyList MutatingWebhookConfiguration MutatingWebhookConfigurationList ValidatingAdmissionPolicy ValidatingAdmissionPolicyBinding ValidatingAdmissionPolicyBindingList ValidatingAdmissionPolicyList ValidatingWebhookConfiguration ValidatingWebhookConfigurationList",
  "apps/v1":
    "ControllerRevision ControllerRevisionList DaemonSet DaemonSetList Deployment DeploymentList ReplicaSet ReplicaSetList StatefulSet StatefulSetList",
  "apps/v1beta1":
    "ControllerRevision ControllerRevisionList Deployment DeploymentList DeploymentRollback Scale StatefulSet StatefulSetList",
  "apps/v1beta2":
    "ControllerRevision ControllerRevisionList DaemonSet DaemonSetList Deployment DeploymentList ReplicaSet ReplicaSetList Scale StatefulSet StatefulSetList",
  "authentication.k8s.io/v1": "SelfSubjectReview TokenRequest TokenReview",
  "authentication.k8s.io/v1alpha1": "SelfSubjectReview",
  "authentication.k8s.io/v1beta1": "SelfSubjectReview TokenReview",
  "authorization.k8s.io/v1":
    "LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview SubjectAccessReview",
  "authorization.k8s.io/v1beta1":
    "LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview SubjectAccessReview",
  "autoscaling/v1": "HorizontalPodAutoscaler HorizontalPodAutoscalerList Scale",
  "autoscaling/v2": "HorizontalPodAutoscaler HorizontalPodAutoscalerList",
  "autoscaling/v2beta1": "HorizontalPodAutoscaler HorizontalPodAutoscalerList",
  "autoscaling/v2beta2": "HorizontalPodAutoscaler HorizontalPodAutoscalerList",
  "batch/v1": "CronJob CronJobList Job JobList",
  "batch/v1beta1": "CronJob CronJobList",
  "bitnami.com/v1alpha1": "SealedSecret SealedSecretList",
  "certificates.k8s.io/v1": "CertificateSigningRequest CertificateSigningRequestList",
  "certificates.k8s.io/v1alpha1": "ClusterTrustBundle ClusterTrustBundleList",
  "certificates.k8s.io/v1beta1":
    "CertificateSigningRequest CertificateSigningRequestList ClusterTrustBundle ClusterTrustBundleList PodCertificateRequest PodCertificateRequestList",
  "coordination.k8s.io/v1": "Lease LeaseList",
  "coordination.k8s.io/v1alpha2": "LeaseCandidate LeaseCandidateList",
  "coordination.k8s.io/v1beta1": "Lease LeaseCandidate LeaseCandidateList LeaseList",
  "discovery.k8s.io/v1": "EndpointSlice EndpointSliceList",
  "discovery.k8s.io/v1beta1": "EndpointSlice EndpointSliceList",
  "events.k8s.io/v1": "Event EventList",
  "events.k8s.io/v1beta1": "Event EventList",
  "extensions/v1beta1":
    "DaemonSet DaemonSetList Deployment DeploymentList DeploymentRollback Ingress IngressList NetworkPolicy NetworkPolicyList ReplicaSet ReplicaSetList Scale",
  "flowcontrol.apiserver.k8s.io/v1":
    "FlowSchema FlowSchemaList PriorityLevelConfiguration PriorityLevelConfigurationList",
  "flowcontrol.apiserver.k8s.io/v1beta1":
    "FlowSchema FlowSchemaList PriorityLevelConfiguration PriorityLevelConfigurationList",
  "flowcontrol.apiserver.k8s.io/v1beta2":
    "FlowSchema FlowSchemaList PriorityLevelConfiguration PriorityLevelConfigurationList",
  "flowcontrol.apiserver.k8s.io/v1beta3":
    "FlowSchema FlowSchemaList PriorityLevelConfiguration PriorityLevelConfigurationList",
  "internal.apiserver.k8s.io/v1alpha1": "StorageVersion StorageVersionList",
  "networking.k8s.io/v1":
    "IPAddress IPAddressList Ingress IngressClass IngressClassList IngressList NetworkPolicy NetworkPolicyList ServiceCIDR ServiceCIDRList",
  "networking.k8s.io/v1beta1":
    "IPAddress IPAddressList Ingress IngressClass IngressClassList IngressList ServiceCIDR ServiceCIDRList",
  "node.k8s.io/v1": "RuntimeClass RuntimeClassList",
  "node.k8s.io/v1alpha1": "RuntimeClass RuntimeClassList",
  "node.k8s.io/v1beta1": "RuntimeClass RuntimeClassList",
  "policy/v1": "Eviction PodDisruptionBudget PodDisruptionBudgetList",
  "policy/v1beta1": "Eviction PodDisruptionBudget PodDisruptionBudgetList",
  "rbac.authorization.k8s.io/v1":
    "ClusterRole ClusterRoleBinding ClusterRoleBindingList ClusterRoleList Role RoleBinding RoleBindingList RoleList",
  "rbac.authorization.k8s.io/v1alpha1":
    "ClusterRole ClusterRoleBinding ClusterRoleBindingList ClusterRoleList Role RoleBinding RoleBindingList RoleList",
  "rbac.authorization.k8s.io/v1beta1":
    "ClusterRole ClusterRoleBinding ClusterRoleBindingList ClusterRoleList Role RoleBinding RoleBindingList RoleList",
  "resource.k8s.io/v1":
    "DeviceClass DeviceClassList ResourceClaim ResourceClaimList ResourceClaimTemplate ResourceClaimTemplateList ResourceSlice ResourceSliceList",
  "resource.k8s.io/v1alpha3": "DeviceTaintRule DeviceTaintRuleList",
  "resource.k8s.io/v1beta1":
    "DeviceClass DeviceClassList ResourceClaim ResourceClaimList ResourceClaimTemplate ResourceClaimTemplateList ResourceSlice ResourceSliceList",
  "resource.k8s.io/v1beta2":
    "DeviceClass DeviceClassList ResourceClaim ResourceClaimList ResourceClaimTemplate ResourceClaimTemplateList ResourceSlice ResourceSliceList",
  "scheduling.k8s.io/v1": "PriorityClass PriorityClassList",
  "scheduling.k8s.io/v1alpha1": "PriorityClass PriorityClassList Workload WorkloadList",
  "scheduling.k8s.io/v1beta1": "PriorityClass PriorityClassList",
  "storage.k8s.io/v1":
    "CSIDriver CSIDriverList CSINode CSINodeList CSIStorageCapacity CSIStorageCapacityList StorageClass StorageClassList VolumeAttachment VolumeAttachmentList VolumeAttributesClass VolumeAttributesClassList",
  "storage.k8s.io/v1alpha1":
    "CSIStorageCapacity CSIStorageCapacityList VolumeAttachment VolumeAttachmentList VolumeAttributesClass VolumeAttributesClassList",
  "storage.k8s.io/v1beta1":
    "CSIDriver CSIDriverList CSINode CSINodeList CSIStorageCapacity CSIStorageCapacityList StorageClass StorageClassList VolumeAttachment VolumeAttachmentList VolumeAttributesClass VolumeAttributesClassList",
  "storagemigration.k8s.io/v1beta1": "StorageVersionMigration StorageVersionMigrationList",
  v1: "APIGroup APIGroupList APIResourceList APIVersions Binding ComponentStatus ComponentStatusList ConfigMap ConfigMapList Endpoints EndpointsList Event EventList LimitRange LimitRangeList List Namespace NamespaceList Node NodeList NodeProxyOptions PersistentVolume PersistentVolumeClaim PersistentVolumeClaimList PersistentVolumeList Pod PodAttachOptions PodExecOptions PodList PodLogOptions PodPortForwardOptions PodProxyOptions PodStatusResult PodTemplate PodTemplateList RangeAllocation ReplicationController ReplicationControllerList ResourceQuota ResourceQuotaList Secret SecretList SerializedReference Service ServiceAccount ServiceAccountList ServiceList ServiceProxyOptions Status",
};
