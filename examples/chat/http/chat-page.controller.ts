import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder at or above `from` that holds a package.json: the same from the sources and from dist/. */
function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

const ROOT = repositoryRoot(__dirname);
const PUBLIC = join(ROOT, 'examples/chat/public');
/** Built by `npm run build` (client/build.mjs). */
const CLIENT_BUNDLE = join(ROOT, 'client/dist/switchboard-client.iife.js');

/**
 * The chat page at `/` and its assets. Only these files are served, by
 * name, so no request path can reach anything else on disk.
 */
@Controller()
export class ChatPageController {
  @Get()
  page(@Res() res: Response): void {
    send(res, join(PUBLIC, 'index.html'), 'html');
  }

  @Get('chat.js')
  script(@Res() res: Response): void {
    send(res, join(PUBLIC, 'chat.js'), 'js');
  }

  @Get('chat.css')
  styles(@Res() res: Response): void {
    send(res, join(PUBLIC, 'chat.css'), 'css');
  }

  @Get('switchboard-client.js')
  client(@Res() res: Response): void {
    if (!existsSync(CLIENT_BUNDLE)) {
      res
        .status(503)
        .type('text')
        .send('The client bundle is not built yet: run `npm run build` (or `npm run build -w @switchboard/client`).\n');
      return;
    }
    send(res, CLIENT_BUNDLE, 'js');
  }
}

function send(res: Response, file: string, type: string): void {
  // no-cache: a rebuilt bundle or edited page shows up on the next reload.
  res.type(type).setHeader('Cache-Control', 'no-cache');
  res.sendFile(file);
}
