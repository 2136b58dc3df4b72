/**
 * Codes of the mistakes the CLI refuses (`CliError`), printed as
 * `error <code>: <message>`. Each is described in docs/reference/errors.md.
 */
export const CliErrorCode = {
  /** A controller, gateway, service or app name that cannot be one. */
  BAD_NAME: 'CLI_BAD_NAME',
  /** A gateway `--path` that is not a URL path. */
  BAD_PATH: 'CLI_BAD_PATH',
  /** Another gateway of the app already serves the `--path`. */
  ROUTE_TAKEN: 'CLI_ROUTE_TAKEN',
  /** No gateway of the app has the name `--gateway` gives. */
  NO_GATEWAY: 'CLI_NO_GATEWAY',
  /** A file to create exists and `--force` was not given. */
  FILE_EXISTS: 'CLI_FILE_EXISTS',
  /** A generator ran outside an app (no `nest-cli.json` at or above the folder). */
  NOT_AN_APP: 'CLI_NOT_AN_APP',
  /** A file the CLI reads is not what it needs: `nest-cli.json`'s `sourceRoot`, JSON that does not parse, a package.json without name or version. */
  BAD_CONFIG: 'CLI_BAD_CONFIG',
  /** `new` cannot tell where to take Switchboard from: a `--switchboard` that is no path or version range, a path that does not exist. */
  UNKNOWN_SOURCE: 'CLI_UNKNOWN_SOURCE',
  /** The folder `--switchboard` names is not the root of a Switchboard checkout. */
  NOT_A_CHECKOUT: 'CLI_NOT_A_CHECKOUT',
  /** The checkout to pack into the app is not built. */
  NOT_BUILT: 'CLI_NOT_BUILT',
  /** The file `--switchboard` names is not an npm tarball of the switchboard package. */
  BAD_TARBALL: 'CLI_BAD_TARBALL',
  /** `npm pack` failed while packing Switchboard into the app. */
  PACK_FAILED: 'CLI_PACK_FAILED',
} as const;

export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];
