import type { AppConfig } from './app-config.template';

/** `README.md`: how to run, test and grow the app, and where its Switchboard comes from. */
export function readmeTemplate(config: AppConfig): string {
  return `# ${config.name}

A WebSocket back end built with Switchboard on NestJS.

## Run it

\`\`\`sh
npm install
npm start                 # cluster mode: one worker per core, all sharing port 3000
WORKERS=2 npm start       # two workers
npm run start:single      # one process
\`\`\`

Clients connect to \`ws://localhost:3000/ws\` (\`PORT\` changes the port). Send
\`{"event":"hello","message":"Ada","id":1}\` and the reply is
\`{"event":"hello","message":"Hello, Ada!","id":1}\`. Join a room with
\`{"event":"joinRoom","message":"lobby"}\`; \`{"event":"say","message":{"room":"lobby","text":"hi"}}\`
then reaches every other member, whichever worker holds them.

In cluster mode the workers share rooms and connections over the cluster IPC
backplane (\`backplaneFromEnv()\` in \`src/app.module.ts\`). To run several
machines (or several clusters) as one, set \`REDIS_URL=redis://host:6379\` on each.

## Test it

\`\`\`sh
npm test
\`\`\`

It type-checks everything, then runs the specs in \`src/\` and \`test/\`, which talk to the app with real WebSocket clients.

## Grow it

\`\`\`sh
npx switchboard create:controller Chat --ws   # src/controllers/chat.controller.ts, added to AppGateway
npx switchboard g gateway Lobby               # src/gateways/lobby.gateway.ts on /lobby, added to AppModule
npx switchboard g service Notifications       # src/services/notifications.service.ts, added to AppModule
\`\`\`
${source(config)}`;
}

function source(config: AppConfig): string {
  if (config.vendoredFrom === undefined) {
    return `
Switchboard (\`switchboard\`) and its CLI (\`@switchboard/cli\`) come from the npm registry (\`${config.switchboard}\`).
`;
  }
  return `
## Where Switchboard comes from

\`switchboard\` and \`@switchboard/cli\` install from the tarballs in \`vendor/\`, taken
from \`${config.vendoredFrom}\` when this app was made. Keep \`vendor/\` in version
control: a clone then installs the same Switchboard anywhere, without that folder.

To take a newer build, pack it into \`vendor/\` and install the tarballs by name
(npm takes them even when their version, and so their file name, is unchanged):

\`\`\`sh
# in the Switchboard checkout
npm run build && npm pack -w @switchboard/cli --include-workspace-root --pack-destination <this app>/vendor
# here
npm install ./vendor/switchboard-<version>.tgz ./vendor/switchboard-cli-<version>.tgz
\`\`\`
`;
}
