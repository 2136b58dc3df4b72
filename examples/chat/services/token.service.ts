import { Injectable } from '@nestjs/common';

/**
 * Demo bearer tokens → user names. Set `CHAT_TOKENS=alice:tok1,bob:tok2` to
 * choose your own; the defaults are for trying the example out.
 */
@Injectable()
export class TokenService {
  private readonly users = new Map<string, string>(
    (process.env.CHAT_TOKENS ?? 'alice:alice-token,bob:bob-token')
      .split(',')
      .map((pair) => pair.split(':'))
      .filter((pair): pair is [string, string] => pair.length === 2)
      .map(([user, token]) => [token, user]),
  );

  /** The user a token belongs to, or undefined. */
  userFor(token: string | undefined): string | undefined {
    return token === undefined ? undefined : this.users.get(token);
  }
}
