import { ForbiddenException, Injectable, type ModuleMetadata } from '@nestjs/common';
import {
  Connection,
  Gateway,
  Message,
  On,
  SwitchboardModule,
  WsController,
  type HandshakeContext,
  type OnBeforeConnect,
  type WsConnection,
} from '../../../src';

/**
 * What the probe app's handlers and hooks saw, so a test can tell what
 * reached the server (and wait for it) without sleeping.
 */
@Injectable()
export class ProbeLog {
  /** Frames of `hold` and `note`, in the order they arrived. */
  readonly received: { event: string; message: unknown; from: string }[] = [];
  /** Upgrade requests of `/ws/probe/refusing`, by `?token=`. */
  readonly handshakes: string[] = [];
  private held: (() => void)[] = [];

  /** Lets every `hold` handler that is still waiting return. */
  releaseAll(): void {
    for (const release of this.held.splice(0)) release();
  }

  hold(): Promise<void> {
    return new Promise((resolve) => this.held.push(resolve));
  }
}

@WsController()
export class ProbeController {
  constructor(private readonly log: ProbeLog) {}

  /** The server closes this connection with the close code and reason it is sent. */
  @On('closeWith')
  closeWith(@Message() message: { code: number; reason: string }, @Connection() connection: WsConnection): void {
    connection.close(message.code, message.reason);
  }

  /** Recorded on arrival and answered only after `ProbeLog.releaseAll()`: a request that is sent and stays unanswered. */
  @On('hold')
  async hold(@Message() message: unknown, @Connection() connection: WsConnection): Promise<string> {
    this.log.received.push({ event: 'hold', message, from: connection.id });
    await this.log.hold();
    return 'released';
  }

  /** Recorded, answered with `{ noted }`. */
  @On('note')
  note(@Message() message: unknown, @Connection() connection: WsConnection): { noted: unknown } {
    this.log.received.push({ event: 'note', message, from: connection.id });
    return { noted: message };
  }

  @On('whoami')
  whoami(@Connection() connection: WsConnection): { id: string; protocol: string } {
    return { id: connection.id, protocol: connection.protocol };
  }
}

/** `/ws/probe`: negotiates `probe.v2` or `probe.v1` (the server's order of preference wins). */
@Gateway('/ws/probe', { controllers: [ProbeController], subprotocols: ['probe.v2', 'probe.v1'] })
export class ProbeGateway {}

/**
 * `/ws/probe/refusing`: answers the upgrade with HTTP 403, by throwing
 * `ForbiddenException` for `?token=banned` and by returning false for any
 * other token (both ways a before-connect hook refuses); `?token=good` gets in.
 */
@Gateway('/ws/probe/refusing', { controllers: [ProbeController] })
export class RefusingGateway implements OnBeforeConnect {
  constructor(private readonly log: ProbeLog) {}

  beforeConnect(ctx: HandshakeContext): boolean | Record<string, unknown> {
    const token = ctx.query.token ?? '';
    this.log.handshakes.push(token);
    if (token === 'banned') throw new ForbiddenException('banned');
    return token === 'good' ? { user: 'good' } : false;
  }
}

export function probeModule(): ModuleMetadata {
  return {
    imports: [SwitchboardModule.forRoot()],
    providers: [ProbeLog, ProbeController, ProbeGateway, RefusingGateway],
  };
}
