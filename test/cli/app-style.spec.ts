import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMONJS_JEST } from '../../cli/app-style';
import { detectAppStyle } from '../../cli/detect-app-style';

describe('detectAppStyle: the module system and test runner the generators follow', () => {
  let app: string;
  const write = (path: string, content: unknown) => {
    mkdirSync(join(app, path, '..'), { recursive: true });
    writeFileSync(join(app, path), typeof content === 'string' ? content : JSON.stringify(content));
  };

  beforeEach(() => {
    app = mkdtempSync(join(tmpdir(), 'sb-style-'));
  });
  afterEach(() => rmSync(app, { recursive: true, force: true }));

  it('a Nest 11 app (CommonJS, jest) is written as before', () => {
    write('package.json', { scripts: { test: 'jest' }, devDependencies: { jest: '^29.7.0' } });
    write('tsconfig.json', { compilerOptions: { module: 'commonjs' } });
    expect(detectAppStyle(app)).toEqual(COMMONJS_JEST);
  });

  it('a Nest 12 app ("type": "module", nodenext, vitest) gets .js imports and vitest specs', () => {
    write('package.json', { type: 'module', scripts: { test: 'vitest run' }, devDependencies: { vitest: '^4.1.2' } });
    write('tsconfig.json', { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } });
    expect(detectAppStyle(app)).toEqual({ importExtension: '.js', testRunner: 'vitest' });
  });

  it('"type": "module" alone means ES modules', () => {
    write('package.json', { type: 'module' });
    expect(detectAppStyle(app).importExtension).toBe('.js');
  });

  it.each([
    ['module node16', { module: 'Node16' }],
    ['module nodenext', { module: 'NodeNext' }],
    ['moduleResolution nodenext', { module: 'esnext', moduleResolution: 'nodenext' }],
  ])('a tsconfig with %s, even through "extends" and with comments, means .js imports', (_, compilerOptions) => {
    write('package.json', {});
    write('tsconfig.base.json', `// shared\n${JSON.stringify({ compilerOptions })}`);
    write('tsconfig.json', `{\n  /* the app */\n  "extends": "./tsconfig.base.json",\n  "compilerOptions": { "strict": true, },\n}\n`);
    expect(detectAppStyle(app).importExtension).toBe('.js');
  });

  it('moduleResolution bundler leaves imports without an extension', () => {
    write('package.json', {});
    write('tsconfig.json', { compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } });
    expect(detectAppStyle(app).importExtension).toBe('');
  });

  it('vitest: listed as a dependency, or only configured', () => {
    write('package.json', { devDependencies: { vitest: '^4.1.2' } });
    expect(detectAppStyle(app).testRunner).toBe('vitest');
    write('package.json', {});
    write('vitest.config.mts', 'export default {};\n');
    expect(detectAppStyle(app).testRunner).toBe('vitest');
  });

  it('a test script that runs vitest means vitest, even before it is installed', () => {
    write('package.json', { scripts: { test: 'vitest run' } });
    expect(detectAppStyle(app).testRunner).toBe('vitest');
  });

  it('the test script decides when both runners are around', () => {
    write('package.json', { scripts: { test: 'jest --ci' }, devDependencies: { jest: '^29.7.0', vitest: '^4.1.2' } });
    expect(detectAppStyle(app).testRunner).toBe('jest');
  });
});
