import { CliError } from './cli-error';
import { CliErrorCode } from './cli-error-codes';

/** The kinds of file the generators write. */
export type ArtifactKind = 'controller' | 'gateway' | 'service';

/** Every spelling of one generated artifact's name. */
export interface ArtifactNames {
  readonly kind: ArtifactKind;
  /** `ChatRoomController` */
  readonly className: string;
  /** `chatRoom`: the prefix of a controller's event names. */
  readonly camelName: string;
  /** `chat-room` */
  readonly kebabName: string;
  /** `chat-room.controller.ts` */
  readonly fileName: string;
  /** `chat-room.controller.spec.ts` */
  readonly specFileName: string;
}

const SUFFIX: Record<ArtifactKind, string> = { controller: 'Controller', gateway: 'Gateway', service: 'Service' };
const ALLOWED = /^[A-Za-z0-9._ -]+$/;

/**
 * Normalises a name the way Nest's schematics do: `ChatRoom`, `chat-room`,
 * `chat_room` and `ChatRoomController` all give `ChatRoomController` in
 * `chat-room.controller.ts`. Throws a `CliError` saying what is wrong with a bad name.
 */
export function artifactNames(input: string, kind: ArtifactKind): ArtifactNames {
  const words = nameWords(input, `${kind} name`);
  const suffix = SUFFIX[kind];
  if (words[words.length - 1].toLowerCase() === kind) {
    if (words.length === 1) {
      throw new CliError(
        CliErrorCode.BAD_NAME,
        `Bad ${kind} name "${input}": it is only the suffix; give the name before it, e.g. "Chat" for Chat${suffix}.`,
      );
    }
    words.pop();
  }
  const pascal = words.map(capitalise).join('');
  const kebabName = words.map((w) => w.toLowerCase()).join('-');
  return {
    kind,
    className: `${pascal}${suffix}`,
    camelName: words[0].toLowerCase() + words.slice(1).map(capitalise).join(''),
    kebabName,
    fileName: `${kebabName}.${kind}.ts`,
    specFileName: `${kebabName}.${kind}.spec.ts`,
  };
}

/** An app name as an npm package and directory name: `My App`, `myApp` and `my_app` give `my-app`. */
export function appPackageName(input: string): string {
  const name = nameWords(input, 'app name')
    .map((w) => w.toLowerCase())
    .join('-');
  // npm refuses to install a package that depends on a package of its own name.
  if (name === 'switchboard')
    throw new CliError(
      CliErrorCode.BAD_NAME,
      `Bad app name "${input}": an app named "switchboard" cannot depend on Switchboard; pick another, such as switchboard-app.`,
    );
  return name;
}

/** Splits a name into words at separators and camel-case humps; refuses what cannot be a name. */
function nameWords(input: string, what: string): string[] {
  const trimmed = input.trim();
  if (trimmed === '') throw new CliError(CliErrorCode.BAD_NAME, `Bad ${what}: it is empty; give a name such as ChatRoom or chat-room.`);
  if (!ALLOWED.test(trimmed)) {
    throw new CliError(
      CliErrorCode.BAD_NAME,
      `Bad ${what} "${input}": use only letters, digits, "-" and "_" (for example ChatRoom or chat-room); paths and other characters are not accepted.`,
    );
  }
  const words = trimmed
    .split(/[-_. ]+/)
    .flatMap((part) =>
      part
        .replace(/([a-z\d])([A-Z])/g, '$1 $2')
        .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
        .split(' '),
    )
    .filter((w) => w !== '');
  if (words.length === 0)
    throw new CliError(CliErrorCode.BAD_NAME, `Bad ${what} "${input}": it has no letters; give a name such as ChatRoom.`);
  if (/^\d/.test(words[0]))
    throw new CliError(CliErrorCode.BAD_NAME, `Bad ${what} "${input}": it must start with a letter, e.g. "Room${words[0]}".`);
  return words;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
