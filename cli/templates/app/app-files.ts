import { appConfigFiles, type AppConfig } from './app-config.template';
import { bootstrapTemplate, mainTemplate, singleTemplate } from './app-entry.template';
import {
  appControllerTemplate,
  appE2eSpecTemplate,
  appGatewayTemplate,
  appModuleTemplate,
  appServiceTemplate,
} from './app-sources.template';
import { readmeTemplate } from './readme.template';
import { testAppTemplate, testClientTemplate } from './test-support.template';

/** Every text file of a new app, as [path relative to the app, content]. */
export function appFiles(config: AppConfig): [string, string][] {
  return [
    ...appConfigFiles(config),
    ['README.md', readmeTemplate(config)],
    ['src/main.ts', mainTemplate()],
    ['src/single.ts', singleTemplate()],
    ['src/bootstrap.ts', bootstrapTemplate()],
    ['src/app.module.ts', appModuleTemplate()],
    ['src/gateways/app.gateway.ts', appGatewayTemplate()],
    ['src/controllers/app.controller.ts', appControllerTemplate()],
    ['src/services/app.service.ts', appServiceTemplate()],
    ['test/app.e2e.spec.ts', appE2eSpecTemplate()],
    ['test/support/test-app.ts', testAppTemplate()],
    ['test/support/test-client.ts', testClientTemplate()],
  ];
}
