import { COMMONJS_JEST, type AppStyle } from '../app-style';
import type { ArtifactNames } from '../names';
import { testFunctionImports } from './spec-imports';

/** An injectable service that reaches connections through `RealtimeService`. */
export function serviceTemplate(names: ArtifactNames): string {
  return `import { Injectable } from '@nestjs/common';
import { RealtimeService } from 'switchboard';

/**
 * Sends to connections from anywhere in the app (HTTP controllers, jobs):
 * \`RealtimeService\` reaches them on every worker and machine.
 */
@Injectable()
export class ${names.className} {
  constructor(private readonly realtime: RealtimeService) {}

  /** Sends \`event\` to every member of \`room\`; resolves to how many connections it reached. */
  notifyRoom(room: string, event: string, message?: unknown): Promise<number> {
    return this.realtime.emitToRoom(room, event, message);
  }
}
`;
}

/** The service's spec: a real client joins a room and receives what the service sends there. */
export function serviceSpecTemplate(names: ArtifactNames, support: string, style: AppStyle = COMMONJS_JEST): string {
  const base = names.fileName.replace(/\.ts$/, '');
  const js = style.importExtension;
  return `${testFunctionImports(style, ['afterAll', 'beforeAll', 'describe', 'expect', 'it'])}import { Gateway } from 'switchboard';
import { startApp, type RunningApp } from '${support}/test-app${js}';
import { TestClient } from '${support}/test-client${js}';
import { ${names.className} } from './${base}${js}';

@Gateway('/spec')
class SpecGateway {}

describe('${names.className}', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp({ providers: [SpecGateway, ${names.className}] });
  });
  afterAll(() => app.close());

  it('sends to every member of a room and says how many it reached', async () => {
    const [member, outsider] = [await TestClient.connect(app.url('/spec')), await TestClient.connect(app.url('/spec'))];
    await member.request('joinRoom', 'news');
    await expect(app.get(${names.className}).notifyRoom('news', 'headline', 'hello')).resolves.toBe(1);
    expect(await member.next((f) => f.event === 'headline')).toMatchObject({ message: 'hello', room: 'news' });
    await Promise.all([member.close(), outsider.close()]);
  });
});
`;
}
