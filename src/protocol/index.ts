export * from './error-codes';
export * from './frames';
export * from './encode-frame';
export * from './decode-frame';
export * from './room-name';
export * from './close-codes';
export * from './connection-id';
export * from './switchboard-error';
