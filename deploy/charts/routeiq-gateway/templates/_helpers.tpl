{{/* Chart name, overridable. */}}
{{- define "routeiq.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart, or the release name when it already holds the chart name. */}}
{{- define "routeiq.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "routeiq.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Standard labels on every resource. */}}
{{- define "routeiq.labels" -}}
helm.sh/chart: {{ include "routeiq.chart" . }}
{{ include "routeiq.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: routeiq
{{- end }}

{{- define "routeiq.selectorLabels" -}}
app.kubernetes.io/name: {{ include "routeiq.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Gateway pods only: keeps migration Job pods out of the Service, PDB and HPA. */}}
{{- define "routeiq.gatewaySelectorLabels" -}}
{{ include "routeiq.selectorLabels" . }}
app.kubernetes.io/component: gateway
{{- end }}

{{- define "routeiq.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "routeiq.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "routeiq.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret the pods load with envFrom, whoever owns it. */}}
{{- define "routeiq.secretName" -}}
{{- default (include "routeiq.fullname" .) .Values.existingSecret }}
{{- end }}

{{- define "routeiq.chartManagedSecret" -}}
{{- if and (not .Values.existingSecret) (not .Values.externalSecret.enabled) }}true{{ end }}
{{- end }}

{{/* Most replicas that may run at once. */}}
{{- define "routeiq.maxReplicas" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.maxReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}

{{- define "routeiq.redisConfigured" -}}
{{- if or .Values.redis.host .Values.secrets.redisUrl }}true{{ end }}
{{- end }}

{{- define "routeiq.databaseConfigured" -}}
{{- if or .Values.secrets.databaseUrl .Values.postgres.host .Values.existingSecret .Values.externalSecret.enabled }}true{{ end }}
{{- end }}

{{/* LLMROUTER_HA_MODE value, or empty for none. */}}
{{- define "routeiq.haMode" -}}
{{- $mode := toString .Values.ha.mode }}
{{- if eq $mode "auto" }}
{{- if and (gt (int (include "routeiq.maxReplicas" .)) 1) (include "routeiq.redisConfigured" .) }}leader_election{{ end }}
{{- else if and $mode (ne $mode "off") }}
{{- $mode }}
{{- end }}
{{- end }}

{{/* Refuses value combinations that would deploy a broken gateway. */}}
{{- define "routeiq.validate" -}}
{{- if and .Values.existingSecret .Values.externalSecret.enabled }}
{{- fail "set either existingSecret or externalSecret.enabled, not both" }}
{{- end }}
{{- if and .Values.externalSecret.enabled (not .Values.externalSecret.secretStoreRef.name) }}
{{- fail "externalSecret.enabled needs externalSecret.secretStoreRef.name" }}
{{- end }}
{{- if and .Values.secrets.databaseUrl .Values.postgres.host }}
{{- fail "set either secrets.databaseUrl or postgres.host, not both" }}
{{- end }}
{{- if and .Values.postgres.host (include "routeiq.chartManagedSecret" .) (not .Values.secrets.postgresPassword) }}
{{- fail "postgres.host needs secrets.postgresPassword (or existingSecret with POSTGRES_PASSWORD)" }}
{{- end }}
{{- if and .Values.secrets.redisUrl .Values.redis.host }}
{{- fail "set either secrets.redisUrl or redis.host, not both" }}
{{- end }}
{{- $grace := int .Values.terminationGracePeriodSeconds }}
{{- $needed := add (int .Values.preStopSleepSeconds) (int .Values.gateway.drainTimeoutSeconds) }}
{{- if le $grace (int $needed) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed preStopSleepSeconds + gateway.drainTimeoutSeconds (%d), or drains are cut short" $grace (int $needed)) }}
{{- end }}
{{- if and (eq (include "routeiq.haMode" .) "leader_election") (not (include "routeiq.redisConfigured" .)) (include "routeiq.chartManagedSecret" .) }}
{{- fail "ha.mode leader_election needs Redis: set redis.host or secrets.redisUrl" }}
{{- end }}
{{- end }}

{{/* Plain environment shared by the gateway and the migration Job. */}}
{{- define "routeiq.env" -}}
- name: LITELLM_CONFIG_PATH
  value: {{ include "routeiq.configPath" . | quote }}
{{- with .Values.configS3 }}
{{- if .bucket }}
- name: CONFIG_S3_BUCKET
  value: {{ .bucket | quote }}
- name: CONFIG_S3_KEY
  value: {{ .key | quote }}
- name: CONFIG_SYNC_INTERVAL
  value: {{ .syncIntervalSeconds | quote }}
- name: CONFIG_HOT_RELOAD
  value: {{ .hotReload | quote }}
- name: CONFIG_S3_FORCE_PATH_STYLE
  value: {{ .forcePathStyle | quote }}
{{- if .region }}
- name: AWS_REGION
  value: {{ .region | quote }}
{{- end }}
{{- end }}
{{- end }}
- name: LITELLM_PORT
  value: {{ .Values.gateway.port | quote }}
- name: LITELLM_LOG
  value: {{ .Values.gateway.logLevel | quote }}
- name: ROUTEIQ_DATA_DIR
  value: {{ .Values.gateway.dataDir | quote }}
- name: ROUTEIQ_DRAIN_TIMEOUT_SECONDS
  value: {{ .Values.gateway.drainTimeoutSeconds | quote }}
- name: ROUTEIQ_MAX_CONCURRENT_REQUESTS
  value: {{ .Values.gateway.maxConcurrentRequests | quote }}
{{- with .Values.gateway.trustedProxies }}
- name: ROUTEIQ_TRUSTED_PROXIES
  value: {{ . | quote }}
{{- end }}
{{- with .Values.postgres }}
{{- if .host }}
- name: DATABASE_URL
  value: {{ printf "postgres://%s:$(POSTGRES_PASSWORD)@%s:%v/%s%s" .user .host .port .database (ternary (printf "?sslmode=%s" .sslmode) "" (not (empty .sslmode))) | quote }}
{{- end }}
{{- end }}
{{- with .Values.redis }}
{{- if .host }}
- name: REDIS_HOST
  value: {{ .host | quote }}
- name: REDIS_PORT
  value: {{ .port | quote }}
{{- end }}
- name: REDIS_KEY_PREFIX
  value: {{ .keyPrefix | quote }}
{{- end }}
{{- with include "routeiq.haMode" . }}
- name: LLMROUTER_HA_MODE
  value: {{ . | quote }}
- name: LLMROUTER_CONFIG_SYNC_LEASE_SECONDS
  value: {{ $.Values.ha.leaseSeconds | quote }}
{{- end }}
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Pod-level settings shared by the gateway and the migration Job. */}}
{{- define "routeiq.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end }}

{{/* The writable directories a read-only root filesystem needs. */}}
{{- define "routeiq.scratchVolumes" -}}
- name: tmp
  emptyDir: {}
- name: data
  emptyDir: {}
{{- end }}

{{- define "routeiq.scratchMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: {{ .Values.gateway.dataDir }}
{{- end }}

{{/* Secret keys other than the master key, named as the variables the gateway reads. */}}
{{- define "routeiq.secretData" -}}
{{- $s := .Values.secrets }}
{{- $data := dict "LITELLM_SALT_KEY" $s.litellmSaltKey "ADMIN_API_KEYS" $s.adminApiKeys "DATABASE_URL" $s.databaseUrl "POSTGRES_PASSWORD" $s.postgresPassword "REDIS_PASSWORD" $s.redisPassword "REDIS_URL" $s.redisUrl }}
{{- range $key, $value := merge $data $s.extra }}
{{- if $value }}
{{ $key }}: {{ toString $value | b64enc | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* The database credentials alone, for the migration Job's hook Secret. */}}
{{- define "routeiq.migrationSecretData" -}}
{{- $s := .Values.secrets }}
{{- range $key, $value := dict "DATABASE_URL" $s.databaseUrl "POSTGRES_PASSWORD" $s.postgresPassword }}
{{- if $value }}
{{ $key }}: {{ toString $value | b64enc | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Where the gateway reads its config: the ConfigMap mount, or with configS3 the writable data dir the
object is downloaded to. Both bucket and key, or neither.
*/}}
{{- define "routeiq.configPath" -}}
{{- if .Values.configS3.bucket -}}
{{- if not .Values.configS3.key -}}
{{- fail "configS3.bucket and configS3.key go together: set both, or neither" -}}
{{- end -}}
{{- printf "%s/config.yaml" .Values.gateway.dataDir -}}
{{- else -}}
{{- if .Values.configS3.key -}}
{{- fail "configS3.bucket and configS3.key go together: set both, or neither" -}}
{{- end -}}
{{- printf "%s/config.yaml" .Values.gateway.configDir -}}
{{- end -}}
{{- end -}}
