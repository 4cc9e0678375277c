// Runs `tfkms simulate` request lines (stdin) through @cloud-copilot/iam-simulate; prints one JSON
// line per request: {"decision": "allowed"|"explicitly_denied"|"implicitly_denied"} or {"error": ...}.
// Usage: node oracle_runner.js <npm prefix holding node_modules>
'use strict'
const path = require('path')
const readline = require('readline')
const { runSimulation } = require(
  require.resolve('@cloud-copilot/iam-simulate', { paths: [path.resolve(process.argv[2])] })
)

const outcomes = { Allowed: 'allowed', ExplicitlyDenied: 'explicitly_denied', ImplicitlyDenied: 'implicitly_denied' }

function accountOf(arn) {
  const parts = arn.split(':')
  return parts.length >= 6 ? parts[4] : undefined
}

// "scps" / "rcps": levels from the organisation root to the account, each a list of documents.
function orgLevels(levels, kind) {
  return (levels || []).map((documents, level) => ({
    orgIdentifier: level === 0 ? 'r-root' : `ou-${kind}-${level}`,
    policies: documents.map((policy, i) => ({ name: `${kind}${level}-${i}`, policy }))
  }))
}

async function decide(request) {
  const simulation = {
    identityPolicies: (request.identity_policies || []).map((policy, i) => ({ name: `identity${i}`, policy })),
    serviceControlPolicies: orgLevels(request.scps, 'scp'),
    resourceControlPolicies: orgLevels(request.rcps, 'rcp'),
    permissionBoundaryPolicies: request.permission_boundary
      ? [{ name: 'boundary', policy: request.permission_boundary }]
      : undefined,
    sessionPolicy: request.session_policy,
    resourcePolicy: request.key_policy,
    request: {
      action: request.action,
      principal: request.principal,
      // Actions without a resource ("*") are evaluated in the caller's own account.
      resource: {
        resource: request.resource,
        accountId: accountOf(request.resource) || accountOf(request.principal)
      },
      contextVariables: request.context || {}
    }
  }
  const response = await runSimulation(simulation, {})
  if (response.resultType === 'error') return { error: JSON.stringify(response.errors) }
  const ignored = response.resultType === 'single' ? response.result.ignoredContextKeys || [] : []
  const out = { decision: outcomes[response.overallResult] || response.overallResult }
  if (ignored.length > 0) out.ignored_context_keys = ignored
  return out
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  for await (const line of lines) {
    if (line.trim() === '') continue
    let result
    try {
      result = await decide(JSON.parse(line))
    } catch (error) {
      result = { error: String(error && error.message ? error.message : error) }
    }
    process.stdout.write(JSON.stringify(result) + '\n')
  }
}

main()
