import { CliError } from '../../cli/cli-error';
import { appPackageName, artifactNames } from '../../cli/names';

describe('CLI name normalisation', () => {
  it.each(['ChatRoom', 'chat-room', 'chat_room', 'chatRoom', 'ChatRoomController', 'chat-room-controller', 'chat-room.controller'])(
    '%s gives ChatRoomController in chat-room.controller.ts',
    (input) => {
      expect(artifactNames(input, 'controller')).toEqual({
        kind: 'controller',
        className: 'ChatRoomController',
        camelName: 'chatRoom',
        kebabName: 'chat-room',
        fileName: 'chat-room.controller.ts',
        specFileName: 'chat-room.controller.spec.ts',
      });
    },
  );

  it('strips only the suffix of the kind being generated', () => {
    expect(artifactNames('LobbyGateway', 'gateway').className).toBe('LobbyGateway');
    expect(artifactNames('ChatController', 'service')).toMatchObject({
      className: 'ChatControllerService',
      fileName: 'chat-controller.service.ts',
    });
    expect(artifactNames('notifications', 'service')).toMatchObject({
      className: 'NotificationsService',
      fileName: 'notifications.service.ts',
    });
  });

  it('keeps acronyms and digits readable', () => {
    expect(artifactNames('HTTPProxy', 'gateway')).toMatchObject({ className: 'HTTPProxyGateway', kebabName: 'http-proxy' });
    expect(artifactNames('room2', 'controller')).toMatchObject({ className: 'Room2Controller', kebabName: 'room2' });
  });

  it.each([
    ['', /it is empty/],
    ['   ', /it is empty/],
    ['chat/room', /use only letters, digits/],
    ['chat room!', /use only letters, digits/],
    ['héllo', /use only letters, digits/],
    ['9lives', /must start with a letter/],
    ['--', /it has no letters/],
    ['Controller', /it is only the suffix/],
  ])('refuses %j with a message that says why', (input, message) => {
    expect(() => artifactNames(input, 'controller')).toThrow(CliError);
    expect(() => artifactNames(input, 'controller')).toThrow(message);
  });

  it('turns an app name into an npm package name', () => {
    expect(appPackageName('MyApp')).toBe('my-app');
    expect(appPackageName('my_app')).toBe('my-app');
    expect(appPackageName('chat-server')).toBe('chat-server');
    expect(() => appPackageName('../escape')).toThrow(/use only letters, digits/);
  });
});
