import { Injectable, SetMetadata, applyDecorators } from '@nestjs/common';
import { CONTROLLER_METADATA } from './metadata-keys';

/**
 * Marks a class whose `@On()` methods handle client events. It is a Nest
 * provider (list it in `providers`) and is attached to a route by naming it in
 * `@Gateway(path, { controllers: [...] })`.
 */
export function WsController(): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(CONTROLLER_METADATA, true));
}
