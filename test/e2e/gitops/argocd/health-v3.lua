-- Argo CD built-in health check for bitnami.com/SealedSecret, newest revision: as the second,
-- and the Synced condition only counts once the controller has observed the current
-- generation (metadata.generation present and equal to status.observedGeneration); otherwise
-- Progressing even if Synced=True (testdata/stale_healthy.yaml, stale_degraded.yaml,
-- missing_observed_generation.yaml). Described in docs/reconcile.md#argo-cd-and-flux.
local health_status = {}
if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  local finalizers = {}
  if obj.metadata.finalizers ~= nil then
    finalizers = obj.metadata.finalizers
  end
  health_status.status = "Progressing"
  health_status.message = "Pending deletion; blocked by finalizers: " .. table.concat(finalizers, ", ")
  return health_status
end
if obj.status ~= nil then
  local generation = nil
  if obj.metadata ~= nil then
    generation = obj.metadata.generation
  end
  if generation == nil or obj.status.observedGeneration == nil or obj.status.observedGeneration ~= generation then
    health_status.status = "Progressing"
    health_status.message = "Waiting for the Sealed Secrets controller to observe the latest generation"
    return health_status
  end
  if obj.status.conditions ~= nil then
    for i, condition in ipairs(obj.status.conditions) do
      if condition.type == "Synced" and condition.status == "False" then
        health_status.status = "Degraded"
        health_status.message = condition.message
        return health_status
      end
      if condition.type == "Synced" and condition.status == "True" then
        health_status.status = "Healthy"
        health_status.message = condition.message
        return health_status
      end
    end
  end
end
health_status.status = "Progressing"
health_status.message = "Waiting for Sealed Secret to be decrypted"
return health_status
