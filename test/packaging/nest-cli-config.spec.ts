// nest-cli.json describes what this repository holds as a Nest app: the
// example app. Nest's CLI (and `switchboard generate`, which reads
// sourceRoot) must find what it names.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../support/repo';

interface NestCliConfig {
  readonly collection?: string;
  readonly sourceRoot: string;
  readonly entryFile: string;
  readonly compilerOptions: { readonly tsConfigPath: string };
}

describe('nest-cli.json', () => {
  const config = JSON.parse(readFileSync(join(REPO, 'nest-cli.json'), 'utf8')) as NestCliConfig;
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    scripts: Record<string, string>;
  };

  it('names a schematics collection only if the repository depends on it', () => {
    if (config.collection === undefined) return;
    expect({ ...manifest.dependencies, ...manifest.devDependencies }).toHaveProperty([config.collection]);
  });

  it('has its entry file inside its sourceRoot, and that is the app `npm run start:single` runs', () => {
    expect(existsSync(join(REPO, `${config.entryFile}.ts`))).toBe(true);
    expect(`${config.entryFile}.ts`.startsWith(`${config.sourceRoot}/`)).toBe(true);
    expect(manifest.scripts['start:single']).toContain(`dist/${config.entryFile}.js`);
  });

  it('builds with a tsconfig that exists and compiles the sourceRoot', () => {
    const tsconfig = JSON.parse(readFileSync(join(REPO, config.compilerOptions.tsConfigPath), 'utf8')) as { include: string[] };
    expect(tsconfig.include.some((folder) => config.sourceRoot === folder || config.sourceRoot.startsWith(`${folder}/`))).toBe(true);
  });
});
