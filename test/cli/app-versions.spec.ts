import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_VERSIONS } from '../../cli/templates/app/app-versions';
import { REPO } from '../support/repo';

interface Manifest {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
}
const root = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Manifest;

describe('the versions a new app installs', () => {
  it('are the ones this repository builds and tests Switchboard with', () => {
    const own = { ...root.devDependencies, ...root.dependencies };
    const wanted = { ...APP_VERSIONS.dependencies, ...APP_VERSIONS.devDependencies };
    expect(wanted).toEqual(Object.fromEntries(Object.keys(wanted).map((name) => [name, own[name]])));
  });

  it('include every peer Switchboard needs at run time (the optional validation peers aside)', () => {
    const optional = ['class-transformer', 'class-validator'];
    const required = Object.keys(root.peerDependencies).filter((name) => !optional.includes(name));
    expect(required.filter((name) => !(name in APP_VERSIONS.dependencies))).toEqual([]);
  });
});
