-- Argo CD built-in health check for bitnami.com/SealedSecret, second revision: as the first,
-- but an object being deleted is Progressing ("Pending deletion; blocked by finalizers: …",
-- testdata/terminating.yaml). Described in docs/reconcile.md#argo-cd-and-flux.
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
