{{/* app.kubernetes.io/name */}}
{{- define "signet.name" -}}
{{- default "signet" .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Object name: sealed-secrets-controller, the name kubeseal and signet look for. */}}
{{- define "signet.fullname" -}}
{{- default "sealed-secrets-controller" .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "signet.namespace" -}}
{{- default .Release.Namespace .Values.namespace -}}
{{- end -}}

{{- define "signet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "signet.matchLabels" -}}
app.kubernetes.io/name: {{ include "signet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "signet.labels" -}}
{{ include "signet.matchLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: signet
helm.sh/chart: {{ include "signet.chart" . }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* metadata.annotations from commonAnnotations plus extra ones (dict "extra" map "context" $). */}}
{{- define "signet.annotations" -}}
{{- $all := merge (deepCopy (default dict .extra)) (deepCopy .context.Values.commonAnnotations) -}}
{{- with $all -}}
annotations: {{- toYaml . | nindent 2 }}
{{- end -}}
{{- end -}}

{{- define "signet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "signet.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "signet.image" -}}
{{- $repo := printf "%s/%s" .Values.image.registry .Values.image.repository | trimPrefix "/" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* Leader election: on with more than one replica, or when asked for. */}}
{{- define "signet.leaderElect" -}}
{{- if or (gt (int .Values.replicas) 1) .Values.leaderElection.enabled -}}true{{- end -}}
{{- end -}}

{{- define "signet.leaseName" -}}
{{- default (include "signet.fullname" .) .Values.leaderElection.leaseName -}}
{{- end -}}

{{/* Renders a value that may contain template expressions. */}}
{{- define "signet.render" -}}
{{- if typeIs "string" .value -}}
{{- tpl .value .context -}}
{{- else -}}
{{- tpl (toYaml .value) .context -}}
{{- end -}}
{{- end -}}

{{/* k=v,k2=v2 from a map of non-empty strings (for --privatekey-*). */}}
{{- define "signet.kvList" -}}
{{- $out := list -}}
{{- range $k, $v := .map -}}
{{- if or (not (kindIs "string" $v)) (eq $v "") -}}
{{- fail (printf "%s.%s must be a non-empty string" $.name $k) -}}
{{- end -}}
{{- $out = append $out (printf "%s=%s" $k $v) -}}
{{- end -}}
{{- join "," $out -}}
{{- end -}}

{{/* The controller's flags, one per list item, only those that differ from its defaults. */}}
{{- define "signet.args" -}}
{{- $v := .Values -}}
{{- if not $v.updateStatus }}
- --update-status=false
{{- end }}
{{- if not $v.logInfoStdout }}
- --log-info-stdout=false
{{- end }}
{{- if $v.skipRecreate }}
- --skip-recreate
{{- end }}
{{- if not $v.allNamespaces }}
- --all-namespaces=false
{{- end }}
{{- if not $v.acceptDeprecatedV1Data }}
- --accept-deprecated-v1-data=false
{{- end }}
{{- if $v.watchForSecrets }}
- --watch-for-secrets
{{- end }}
{{- if $v.oldGcBehavior }}
- --old-gc-behavior
{{- end }}
{{- if $v.allowPrivilegedSecretTypes }}
- --allow-privileged-secret-types
{{- end }}
{{- if $v.metricsOmitSecretLabels }}
- --metrics-omit-secret-labels
{{- end }}
{{- if $v.webUi.enabled }}
- --web-ui
{{- end }}
{{- if $v.rollout.enabled }}
- --rollout-workloads
{{- end }}
- {{ printf "--key-prefix=%s" $v.secretName | quote }}
{{- range $flag, $key := dict "key-renew-period" "keyrenewperiod" "key-ttl" "keyttl" "key-cutoff-time" "keycutofftime" "key-size" "keySize" "my-cn" "myCn" "key-order-priority" "keyOrderPriority" "rate-limit" "rateLimit" "rate-limit-burst" "rateLimitBurst" "label-selector" "labelSelector" "log-level" "logLevel" "log-format" "logFormat" "max-unseal-retries" "maxRetries" "kubeclient-qps" "kubeClientQPS" "kubeclient-burst" "kubeClientBurst" "workers" "workers" }}
{{- $val := toString (index $v $key) }}
{{- if and (ne $val "") (ne $val "<nil>") }}
- {{ printf "--%s=%s" $flag $val | quote }}
{{- end }}
{{- end }}
{{- with $v.additionalNamespaces }}
- {{ printf "--additional-namespaces=%s" (join "," (uniq .)) | quote }}
{{- end }}
{{- with $v.privateKeyAnnotations }}
- {{ printf "--privatekey-annotations=%s" (include "signet.kvList" (dict "map" . "name" "privateKeyAnnotations")) | quote }}
{{- end }}
{{- with $v.privateKeyLabels }}
- {{ printf "--privatekey-labels=%s" (include "signet.kvList" (dict "map" . "name" "privateKeyLabels")) | quote }}
{{- end }}
{{- if ne (int $v.containerPorts.http) 8080 }}
- --listen-addr=:{{ $v.containerPorts.http }}
{{- end }}
{{- if ne (int $v.containerPorts.metrics) 8081 }}
- --listen-metrics-addr=:{{ $v.containerPorts.metrics }}
{{- end }}
{{- if include "signet.leaderElect" . }}
- --leader-elect
{{- end }}
{{- range $v.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end -}}

{{/* Rules for rollout on change: restart the workloads a SealedSecret names (patch only). */}}
{{- define "signet.rolloutRules" -}}
- apiGroups: [apps]
  resources: [deployments, statefulsets, daemonsets]
  verbs: [patch]
{{- end }}
