import { BadRequestException, Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Put } from '@nestjs/common';
import { RealtimeService, RuntimeErrorCode, SwitchboardError } from '../../../src';

/** The HTTP endpoints of the Arcade guide, on the realtime service. */
@Controller('api')
export class RealtimeApiController {
  constructor(private readonly realtime: RealtimeService) {}

  @Get('rooms/:roomId')
  async room(@Param('roomId') roomId: string) {
    const members = await this.realtime.getRoomMembers(roomId);
    return { roomId, members, memberCount: members.length };
  }

  @Get('ws/connections')
  async connections() {
    const connections = await this.realtime.getAllConnections();
    return {
      total: connections.length,
      local: this.realtime.getLocalConnections().map((c) => c.id),
      connections,
    };
  }

  @Get('ws/connections/:id')
  async connection(@Param('id') id: string) {
    const info = await this.realtime.getConnectionInfo(id);
    if (!info) throw new NotFoundException('Connection not found');
    return info;
  }

  @Put('ws/connections/:id/metadata')
  async metadata(@Param('id') id: string, @Body() patch: Record<string, unknown>) {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new BadRequestException('Body must be a JSON object');
    const updated = await this.realtime.updateConnectionMetadata(id, patch).catch((error: unknown) => {
      // A patch the realtime service refuses (a __proto__ key, say) is the caller's mistake.
      throw error instanceof SwitchboardError && error.code === RuntimeErrorCode.INVALID_METADATA
        ? new BadRequestException(error.message)
        : error;
    });
    if (!updated) throw new NotFoundException('Connection not found');
    return { updated: true };
  }

  @Delete('ws/connections/:id')
  async disconnect(@Param('id') id: string) {
    const info = await this.realtime.getConnectionInfo(id);
    if (!info) throw new NotFoundException('Connection not found');
    await this.realtime.disconnect(id, 'Admin action');
    return {
      connectionId: id,
      serverInstance: info.serverInstanceId,
      wasLocal: info.serverInstanceId === this.realtime.serverInstanceId,
    };
  }

  @Post('broadcast')
  @HttpCode(200)
  async broadcast(@Body() body: { event?: unknown; message?: unknown }) {
    const event = typeof body?.event === 'string' && body.event.length > 0 ? body.event : 'broadcast';
    const recipients = await this.realtime.emitToAll(event, { message: body?.message, timestamp: new Date().toISOString() });
    return { sent: true, recipients };
  }

  @Get('ws/server-info')
  async serverInfo() {
    const status = this.realtime.status();
    return {
      serverInstanceId: status.serverInstanceId,
      localConnections: status.localConnections,
      hasLocalConnections: status.localConnections > 0,
      allConnections: (await this.realtime.getAllConnections()).length,
      backplane: status.backplane,
    };
  }
}
