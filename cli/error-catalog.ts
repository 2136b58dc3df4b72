// What docs/reference/errors.md says of each CLI code. A Record over the codes,
// so a code added without a description does not compile. The CLI builds on
// its own (rootDir cli/), so the shape is declared here rather than taken from
// src/protocol/error-catalog.ts, which it matches.
import type { CliErrorCode } from './cli-error-codes';

/** When a code happens and what to do about it, one line each. */
export interface CliErrorDescription {
  readonly when: string;
  readonly fix: string;
}

/** Every `CliErrorCode`, described. */
export const CLI_ERROR_CATALOG: Readonly<Record<CliErrorCode, CliErrorDescription>> = {
  CLI_BAD_NAME: {
    when: 'A controller, gateway, service or app name is empty, holds characters other than letters, digits, `-` and `_`, starts with a digit, is only the suffix (`Controller`), or is `switchboard` for an app.',
    fix: 'Give a name such as `ChatRoom` or `chat-room`; the message shows one.',
  },
  CLI_BAD_PATH: {
    when: '`g gateway --path` is not a URL path starting with `/`.',
    fix: 'Give a path such as `/chat` or `/ws/chat/:roomId`.',
  },
  CLI_ROUTE_TAKEN: {
    when: 'Another gateway of the app already serves the route of the new gateway.',
    fix: 'Choose another route with `--path`.',
  },
  CLI_NO_GATEWAY: {
    when: 'No gateway of the app has the name `--gateway` gives.',
    fix: 'Use one of the gateways the message lists, or create one with `switchboard g gateway <name>`.',
  },
  CLI_FILE_EXISTS: {
    when: 'A file the command would create exists already; nothing was written.',
    fix: 'Pass `--force` to overwrite it, or pick another name (or folder for `new`).',
  },
  CLI_NOT_AN_APP: {
    when: 'A generator ran outside an app: no `nest-cli.json` in the folder or any folder above it.',
    fix: 'Run it in an app folder, or create an app with `switchboard new <app-name>`.',
  },
  CLI_BAD_CONFIG: {
    when: 'A file the CLI reads is not what it needs: JSON that does not parse, a `nest-cli.json` whose `sourceRoot` is not a string or not a folder, a package.json without name or version.',
    fix: 'Fix the file the message names.',
  },
  CLI_UNKNOWN_SOURCE: {
    when: '`new` cannot tell where to take Switchboard from: a `--switchboard` that is neither a path nor a version range, a path that does not exist, or an installed CLI that knows neither its version nor its folder.',
    fix: 'Pass `--switchboard` with a checkout folder, a `switchboard-x.y.z.tgz` made by `npm pack`, or a version range such as `^0.1.0`.',
  },
  CLI_NOT_A_CHECKOUT: {
    when: 'The folder `--switchboard` names is not the root of a Switchboard checkout (its package.json is not `switchboard`, or it has no `cli/` workspace).',
    fix: 'Give the root folder of a Switchboard checkout.',
  },
  CLI_NOT_BUILT: {
    when: 'The checkout to pack into the new app is not built, so packing it would ship nothing.',
    fix: 'Run `npm run build` in the folder the message names, then run the command again.',
  },
  CLI_BAD_TARBALL: {
    when: 'The file `--switchboard` names is not an npm tarball, or holds another package than `switchboard` (the server package).',
    fix: 'Give the `switchboard-x.y.z.tgz` that `npm pack` made in a checkout.',
  },
  CLI_PACK_FAILED: {
    when: "`npm pack` failed while packing Switchboard into the new app; nothing was written. The message ends with npm's own output.",
    fix: "Read npm's output; check that `npm` is on the PATH and the folder can be packed (`npm pack --dry-run`).",
  },
};
