import { Module } from '@nestjs/common';
import { LinkSsoIdentityController } from './linking-identity/link-sso-identity.js';
import { ManageSsoProvidersController } from './managing-providers/manage-sso-providers.js';
import { OidcSignIn } from './signing-in/oidc-sign-in.js';
import { SamlSignIn } from './signing-in/saml-sign-in.js';
import { SsoSignInController } from './signing-in/sso-sign-in.controller.js';
import { SsoSignIn } from './signing-in/sso-sign-in.service.js';

/** Enterprise SSO: providers (super admins) and sign-in through them (OIDC, SAML 2.0). */
@Module({
  controllers: [ManageSsoProvidersController, SsoSignInController, LinkSsoIdentityController],
  providers: [SsoSignIn, OidcSignIn, SamlSignIn],
})
export class SsoModule {}
