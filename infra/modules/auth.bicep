// App Service authentication (Easy Auth, authsettingsV2) with Entra ID in front of the Function App: the dashboard
// and every /api route let in only principals signed in to the app registration `clientId` (401 for anyone else,
// before the app runs). The API then enforces the principal's app roles (Migration.Operator acts,
// Migration.Reader looks: src/api/access). /api/automation stays with function keys, for scripts.
// No client secret: browsers sign in with ID tokens (the registration issues them), callers with a token for
// the registration use Authorization: Bearer.

@description('Name of the Function App.')
param appName string

@description('Application (client) id of the Entra ID app registration people and clients sign in to; it defines the app roles Migration.Operator and Migration.Reader (infra/app-roles.json).')
@minLength(36)
@maxLength(36)
param clientId string

@description('Routes App Service authentication leaves alone: the function-key routes of the HTTP API.')
param excludedPaths string[]

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: appName
}

resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      // An API answers 401 (and scripts see it); a person opens /.auth/login/aad (output DASHBOARD_SIGN_IN_URL).
      unauthenticatedClientAction: 'Return401'
      excludedPaths: excludedPaths
    }
    httpSettings: {
      requireHttps: true
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: clientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          // ID tokens carry the client id as audience; access tokens requested for the app carry its URI.
          allowedAudiences: [
            clientId
            'api://${clientId}'
          ]
        }
      }
    }
  }
}
