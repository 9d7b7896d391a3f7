import { Module } from '@nestjs/common';
import { ManageSsoProvidersController } from './managing-providers/manage-sso-providers.js';
import { OidcSignIn } from './signing-in/oidc-sign-in.js';
import { SamlSignIn } from './signing-in/saml-sign-in.js';
import { SsoSignInController } from './signing-in/sso-sign-in.controller.js';
import { SsoSignIn } from './signing-in/sso-sign-in.service.js';

/** Enterprise SSO: providers (super admins) and sign-in through them (OIDC, SAML 2.0). */
@Module({
  controllers: [ManageSsoProvidersController, SsoSignInController],
  providers: [SsoSignIn, OidcSignIn, SamlSignIn],
})
export class SsoModule {}
