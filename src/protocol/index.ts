export * from './error-codes';
export * from './frames';
export * from './encode-frame';
export * from './decode-frame';
export * from './room-name';
