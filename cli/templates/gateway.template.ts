import { COMMONJS_JEST, type AppStyle } from '../app-style';
import type { ArtifactNames } from '../names';
import { testFunctionImports } from './spec-imports';

/** The module a gateway spec boots: the one the gateway is registered in. */
export interface SpecModule {
  readonly className: string;
  /** Import path from the spec's folder, e.g. `../app.module` (`../app.module.js` in an ES module app). */
  readonly importPath: string;
}

/** A gateway on `path` with an empty controller list, ready for `create:controller`. */
export function gatewayTemplate(names: ArtifactNames, path: string): string {
  return `import { Gateway } from 'switchboard';

/**
 * Serves WebSocket connections on \`${path}\`. The controllers listed in
 * \`controllers\` answer their events here; each must also be a provider.
 */
@Gateway('${path}', { controllers: [] })
export class ${names.className} {}
`;
}

/**
 * The gateway's spec: it boots \`module\` (the app module the gateway was added
 * to) and connects a real client; without one, a module of its own.
 */
export function gatewaySpecTemplate(
  names: ArtifactNames,
  path: string,
  support: string,
  module?: SpecModule,
  style: AppStyle = COMMONJS_JEST,
): string {
  const base = names.fileName.replace(/\.ts$/, '');
  const js = style.importExtension;
  const moduleImport = module ? `import { ${module.className} } from '${module.importPath}';\n` : '';
  const boot = module ? module.className : `{ providers: [${names.className}] }`;
  return `${testFunctionImports(style, ['afterAll', 'beforeAll', 'describe', 'expect', 'it'])}${moduleImport}import { startApp, type RunningApp } from '${support}/test-app${js}';
import { TestClient } from '${support}/test-client${js}';
import { ${names.className} } from './${base}${js}';

describe(${names.className}.name, () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp(${boot});
  });
  afterAll(() => app.close());

  it('accepts connections on ${path} and tells each its connection id', async () => {
    const client = await TestClient.connect(app.url('${path}'));
    expect(client.id).toMatch(/.+/);
    await client.close();
  });
});
`;
}
