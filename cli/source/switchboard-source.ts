import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from '../cli-error';
import { CliErrorCode } from '../cli-error-codes';
import { checkoutOf, CLI_PACKAGE, manifestOf, SERVER_PACKAGE } from '../own-package';
import { packFolder, tarballName } from './npm-pack';
import { readPackedManifest } from './packed-manifest';

/** The app's folder for the tarballs it installs Switchboard from. */
export const VENDOR = 'vendor';

/** One package the app installs from a tarball in its `vendor/` folder. */
export interface VendoredPackage {
  /** `switchboard` or `@switchboard/cli`. */
  readonly name: string;
  /** The tarball's name as npm pack names it, e.g. `switchboard-0.1.0.tgz`. */
  readonly fileName: string;
  /** Where it comes from, for messages: `packed from <folder>` or `copied from <file>`. */
  readonly origin: string;
  /** Packs or reads the tarball; called only when the app is written, never for a dry run. */
  readonly bytes: () => Buffer;
}

/** Where a new app gets `switchboard` and `@switchboard/cli`. */
export type SwitchboardSource =
  | { readonly kind: 'registry'; readonly range: string }
  | { readonly kind: 'vendor'; readonly from: string; readonly server: VendoredPackage; readonly cli: VendoredPackage };

/** The source, and a note for the user when they did not choose it. */
export interface ResolvedSource {
  readonly source: SwitchboardSource;
  readonly note?: string;
}

/**
 * Where the app gets Switchboard. `--switchboard` takes a checkout folder,
 * a `switchboard-x.y.z.tgz` made by `npm pack`, or an npm version range.
 * Without it, the app follows the CLI: a CLI run from a checkout packs that
 * checkout; an installed CLI (from a tarball or the registry) has none, so
 * the app asks the registry for the CLI's own version.
 */
export function resolveSwitchboardSource(flag: string | undefined, cwd: string, cliRoot: string | undefined): ResolvedSource {
  if (flag === undefined) {
    const checkout = cliRoot === undefined ? undefined : checkoutOf(cliRoot);
    if (checkout !== undefined) return { source: fromCheckout(checkout, '(the checkout this CLI runs from)') };
    const version = cliRoot === undefined ? undefined : manifestOf(cliRoot).version;
    if (version === undefined)
      throw new CliError(CliErrorCode.UNKNOWN_SOURCE, `Cannot tell which Switchboard this CLI belongs to; pass --switchboard <${FORMS}>.`);
    const range = `^${version}`;
    const note =
      `note: this CLI is an installed copy, not a checkout, so the app gets switchboard and @switchboard/cli ${range} from the npm registry. ` +
      `To install them from a Switchboard checkout or from packed tarballs instead, pass --switchboard <folder | switchboard-x.y.z.tgz>.`;
    return { source: { kind: 'registry', range }, note };
  }
  const value = flag.trim();
  const path = resolve(cwd, value.replace(/^file:/, ''));
  if (value !== '' && (looksLikePath(value) || existsSync(path))) {
    if (!existsSync(path)) throw new CliError(CliErrorCode.UNKNOWN_SOURCE, `--switchboard ${flag}: ${path} does not exist; give ${FORMS}.`);
    return { source: statSync(path).isDirectory() ? fromCheckout(path, `(--switchboard ${flag})`) : fromTarball(path, cliRoot) };
  }
  if (!/^[\w.^~<>=|*+\- ]+$/.test(value)) throw new CliError(CliErrorCode.UNKNOWN_SOURCE, `Bad --switchboard "${flag}": give ${FORMS}.`);
  return { source: { kind: 'registry', range: value } };
}

/** What package.json says for each package: `file:vendor/<tarball>` or the registry range. */
export function dependencySpecs(source: SwitchboardSource): { readonly server: string; readonly cli: string } {
  if (source.kind === 'registry') return { server: source.range, cli: source.range };
  return { server: `file:${VENDOR}/${source.server.fileName}`, cli: `file:${VENDOR}/${source.cli.fileName}` };
}

const FORMS = 'a Switchboard checkout folder, a switchboard-x.y.z.tgz made by npm pack, or an npm version range such as ^0.1.0';

function looksLikePath(value: string): boolean {
  return /^(file:|\.|\/|[A-Za-z]:)/.test(value) || /[\\/]/.test(value) || /\.(tgz|tar\.gz)$/.test(value);
}

/** Both packages packed from a checkout: the root is `switchboard`, `cli/` is `@switchboard/cli`. */
function fromCheckout(folder: string, why: string): SwitchboardSource {
  const server = manifestOf(folder);
  if (server.name !== SERVER_PACKAGE) {
    throw new CliError(
      CliErrorCode.NOT_A_CHECKOUT,
      `${folder} ${why} is not a Switchboard checkout: its package.json names ${JSON.stringify(server.name ?? null)}, not "switchboard".`,
    );
  }
  const cliFolder = join(folder, 'cli');
  if (manifestOf(cliFolder).name !== CLI_PACKAGE)
    throw new CliError(
      CliErrorCode.NOT_A_CHECKOUT,
      `${folder} ${why} has no cli/ workspace (@switchboard/cli); give the root of a Switchboard checkout.`,
    );
  return { kind: 'vendor', from: folder, server: packed(folder, 'dist/src/index.js'), cli: packed(cliFolder, 'dist/main.js', folder) };
}

/** The server from a tarball the user packed; the CLI packed from this very CLI, so `npx switchboard` in the app is the one that made it. */
function fromTarball(tgz: string, cliRoot: string | undefined): SwitchboardSource {
  const manifest = readPackedManifest(tgz);
  if (manifest.name !== SERVER_PACKAGE || manifest.version === undefined) {
    throw new CliError(
      CliErrorCode.BAD_TARBALL,
      `--switchboard ${tgz} holds ${manifest.name ?? 'a package without a name'}, not switchboard (the server package): give switchboard-x.y.z.tgz.`,
    );
  }
  if (cliRoot === undefined)
    throw new CliError(
      CliErrorCode.UNKNOWN_SOURCE,
      'Cannot find the folder of this CLI, to pack it into the app; pass --switchboard <folder | version range> instead.',
    );
  const server: VendoredPackage = {
    name: SERVER_PACKAGE,
    fileName: tarballName(SERVER_PACKAGE, manifest.version),
    origin: `copied from ${tgz}`,
    bytes: () => readFileSync(tgz),
  };
  return { kind: 'vendor', from: dirname(tgz), server, cli: packed(cliRoot, 'dist/main.js') };
}

/** A package packed from `folder`, which must be built (`entry` present, by `npm run build` in `buildIn`): packing skips the build. */
function packed(folder: string, entry: string, buildIn = folder): VendoredPackage {
  const { name, version } = manifestOf(folder);
  if (name === undefined || version === undefined)
    throw new CliError(CliErrorCode.BAD_CONFIG, `${folder}/package.json has no name or version to pack.`);
  if (!existsSync(join(folder, entry))) {
    throw new CliError(
      CliErrorCode.NOT_BUILT,
      `${folder} is not built (no ${entry}), so it cannot be packed into the app: run "npm run build" in ${buildIn}, then run this again.`,
    );
  }
  return { name, fileName: tarballName(name, version), origin: `packed from ${folder}`, bytes: () => packFolder(folder) };
}
